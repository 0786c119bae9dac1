#!/usr/bin/env node
import { StompClientGenerationError } from '../errors/stomp-client-generation.error.js';
import { CLIENT_USAGE, runClientCommand } from './client-command.js';

const USAGE = `Usage: nest-stomp <command>

Commands:
  client   write a typed client of an application's STOMP API from its AsyncAPI document

${CLIENT_USAGE}`;

/** The `nest-stomp` command. Plain Node: it loads neither Nest nor the rest of the library. */
async function main(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help' || (command === 'client' && rest.some((arg) => arg === '--help' || arg === '-h'))) {
    console.log(command === 'client' ? CLIENT_USAGE : USAGE);
    return command === undefined ? 1 : 0;
  }
  if (command !== 'client') {
    console.error(`Unknown command '${command}'.\n\n${USAGE}`);
    return 1;
  }
  try {
    const written = await runClientCommand(rest);
    console.log(`Wrote ${written}`);
    return 0;
  } catch (error) {
    if (!(error instanceof StompClientGenerationError)) throw error;
    console.error(`nest-stomp client: ${error.message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
