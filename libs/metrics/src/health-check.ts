/** A named dependency check for GET /health; providers register under HEALTH_CHECKS. */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<boolean>;
}
export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');
