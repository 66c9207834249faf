/*
 * cli/appdb.h
 *		The program without its main(), so that tests can link it.
 */
#ifndef APPDB_APPDB_H
#define APPDB_APPDB_H

int			appdb_main(int argc, char **argv);

#endif							/* APPDB_APPDB_H */
