/**
 * The Redis URL as logs and error messages may show it: the password is masked, so a
 * `redis://:secret@host` never ends up in a log line or a client's ERROR frame.
 */
export function describeRedisUrl(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')) {
    // Not a redis URL (a socket path?): show it only when it cannot carry credentials.
    return /[@?]/.test(url) ? '<redis url>' : url;
  }
  if (parsed.password) parsed.password = '***';
  if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
  return parsed.toString().replace(/\/$/, '');
}
