/**
 * Parameter kinds resolved by {@link StompParamsFactory}. Only the payload is one: the others are
 * custom parameter decorators, which Nest's `ValidationPipe` leaves alone (it validates payloads).
 */
export enum StompParamtype {
  PAYLOAD = 3,
}
