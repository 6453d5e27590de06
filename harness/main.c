/*
 * main.c - the ipcbench command: parse the command line against the
 * command table (commands.c) and run the command's handler.
 *
 * Nothing else lives here, so that every command and its rules are in
 * the library, where test_cli checks them.
 */
#include <stdio.h>

#include "cli.h"
#include "util.h"

int main(int argc, char **argv)
{
	char err[CONFIG_ERR_LEN];
	struct cli cli;

	if (cli_parse(argc, argv, &cli, err, sizeof(err))) {
		one_line(err);
		fprintf(stderr, "ipcbench: %s\n", err);
		return 2;	/* usage error */
	}
	return cli.cmd->run(&cli);
}
