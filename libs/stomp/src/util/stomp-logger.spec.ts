import { ConsoleLogger, Logger, type LoggerService } from '@nestjs/common';
import { ALL_LOG_LEVELS, StompLogger } from './stomp-logger.js';

describe('StompLogger.isDebugWritten', () => {
  const logger = new StompLogger('stomp-logger.spec');

  afterEach(() => {
    StompLogger.useLevels(ALL_LOG_LEVELS);
    Logger.overrideLogger(new ConsoleLogger());
  });

  it('is false when the logLevels option leaves debug out', () => {
    StompLogger.useLevels(['error', 'warn', 'log']);
    expect(logger.isDebugWritten()).toBe(false);
  });

  it("follows Nest's ConsoleLogger levels", () => {
    Logger.overrideLogger(new ConsoleLogger({ logLevels: ['error', 'warn'] }));
    expect(logger.isDebugWritten()).toBe(false);
    Logger.overrideLogger(new ConsoleLogger({ logLevels: ['debug'] }));
    expect(logger.isDebugWritten()).toBe(true);
  });

  it('leaves the decision to any other logger, which gets the line', () => {
    const lines: unknown[] = [];
    const custom: LoggerService = { log() {}, error() {}, warn() {}, debug: (message) => void lines.push(message) };
    Logger.overrideLogger(custom);
    expect(logger.isDebugWritten()).toBe(true);
    logger.debug('seen');
    expect(lines).toEqual(['seen']);
  });
});
