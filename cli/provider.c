/*
 * cli/provider.c
 *		Which operation of a provider (provider.h) runs each command.
 */
#include "provider.h"

#include <stddef.h>

provider_op
provider_op_for(const struct provider *p, enum appdb_command command)
{
	switch (command)
	{
		case CMD_PLAN:
			return p->plan;
		case CMD_PROVISION:
			return p->provision;
		case CMD_ROLES_SETUP:
		case CMD_ROLES_PLAN:
		case CMD_ROLES_CHECK:
			return p->roles;
		case CMD_URL:
		case CMD_PSQL:
			return p->url;
		case CMD_STATUS:
			return p->status;
		case CMD_OUTPUTS:
			return p->outputs;
		case CMD_DESTROY:
			return p->destroy;
		case CMD_DOCTOR:
			return p->doctor;
		default:
			return NULL;
	}
}
