import { ConsoleLogger, Logger, type LogLevel } from '@nestjs/common';

/** Every level Nest's loggers know, most verbose first. */
export const ALL_LOG_LEVELS = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'] as const satisfies readonly LogLevel[];

type LoggerTarget = Logger['localInstance'];

/**
 * The library's own logger: a Nest `Logger` (so lines go wherever the application sends its logs,
 * `app.useLogger()` included, under the contexts `StompModule`, `StompSession`...) that first drops
 * the levels the `logLevels` option leaves out. The application's own levels still apply after it:
 * the option quiets the library without quieting the application.
 *
 * The levels are the process's, as Nest's own (`Logger.overrideLogger`, `app.useLogger`): the module
 * sets them when it starts, and loggers that lower stages create in field initializers (and brokers
 * built outside dependency injection) read them when they write.
 */
export class StompLogger extends Logger {
  private static enabled: ReadonlySet<LogLevel> = new Set(ALL_LOG_LEVELS);

  /** @internal Set by StompModule from its `logLevels` option. */
  static useLevels(levels: readonly LogLevel[]): void {
    StompLogger.enabled = new Set(levels);
  }

  static isEnabled(level: LogLevel): boolean {
    return StompLogger.enabled.has(level);
  }

  /**
   * Whether a `debug` line would be written, for callers that build one on a hot path (a line per
   * session opened or closed) and can skip building it. `false` only when the line would certainly
   * be dropped: the `logLevels` option leaves debug out, logging is off, or the logger Nest writes
   * through is its own ConsoleLogger with debug off. Any other logger is asked by writing the line.
   */
  isDebugWritten(): boolean {
    if (!StompLogger.enabled.has('debug')) return false;
    // While Nest buffers lines (bufferLogs), they are written, or not, by the logger they are flushed to.
    if ((Logger as unknown as { isBufferAttached?: boolean }).isBufferAttached) return true;
    const target = this.localInstance as LoggerTarget | undefined;
    if (!target) return false;
    return !(target instanceof ConsoleLogger) || target.debug !== ConsoleLogger.prototype.debug || target.isLevelEnabled('debug');
  }

  override error(message: unknown, ...optionalParams: unknown[]): void {
    if (StompLogger.enabled.has('error')) super.error(message, ...optionalParams);
  }

  override warn(message: unknown, ...optionalParams: unknown[]): void {
    if (StompLogger.enabled.has('warn')) super.warn(message, ...optionalParams);
  }

  override log(message: unknown, ...optionalParams: unknown[]): void {
    if (StompLogger.enabled.has('log')) super.log(message, ...optionalParams);
  }

  override debug(message: unknown, ...optionalParams: unknown[]): void {
    if (StompLogger.enabled.has('debug')) super.debug(message, ...optionalParams);
  }

  override verbose(message: unknown, ...optionalParams: unknown[]): void {
    if (StompLogger.enabled.has('verbose')) super.verbose(message, ...optionalParams);
  }

  override fatal(message: unknown, ...optionalParams: unknown[]): void {
    if (StompLogger.enabled.has('fatal')) super.fatal(message, ...optionalParams);
  }
}
