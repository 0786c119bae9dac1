/**
 * Parameter kinds resolved by {@link StompParamsFactory}. Only the payload is one: the others are
 * custom parameter decorators, which Nest's `ValidationPipe` leaves alone (it validates payloads).
 */
export enum StompParamtype {
  // Nest's body paramtype: pipes see `type: 'body'` (any other number reads as 'custom', which
  // ValidationPipe skips). So `@Body()` and `@MessageBody()`, which record it too, work as `@Payload()`.
  PAYLOAD = 3,
}
