/* The router's clock, injected (tests and replays run the ladder and the API on a clock of their own). */
export type Clock = () => number;
export const ROUTER_CLOCK = Symbol('ROUTER_CLOCK');
