/** A client-supplied value, cut short enough to quote in an ERROR message or a log line. */
export function truncate(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
