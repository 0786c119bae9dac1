/**
 * Opens `count` things with at most `concurrency` in flight, in index order. The first failure stops
 * the opening and is thrown after the in-flight ones settle; what did open is passed to `onAbort`
 * so that the caller can close it.
 */
export async function openMany<T>(
  count: number,
  concurrency: number,
  open: (index: number) => Promise<T>,
  onAbort: (opened: readonly T[]) => void,
): Promise<T[]> {
  const opened: T[] = new Array<T>(count);
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < count) {
      const index = next++;
      try {
        opened[index] = await open(index);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (failure !== undefined) {
    onAbort(opened.filter((item) => item !== undefined));
    throw failure;
  }
  return opened;
}
