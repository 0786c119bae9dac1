/**
 * The one rule for a spec that needs a service this machine may lack (RabbitMQ's STOMP plugin,
 * Redis, ActiveMQ, Chromium): with CI=true a missing service fails the suite, since `.ci/run`
 * installs and starts every one of them; elsewhere the spec is skipped with a notice, so `npm test`
 * still runs everything else. Call it while jest collects the tests:
 * `const describeWithX = (await xAvailable()) ? describe : describe.skip;`
 */
export function availableOrSkipped(available: boolean, specs: string, missing: string, remedy: string): boolean {
  if (available) return true;
  if (process.env.CI === 'true') throw new Error(`${missing}: ${remedy}`);
  console.warn(`${specs} skipped: ${missing} (${remedy})`);
  return false;
}
