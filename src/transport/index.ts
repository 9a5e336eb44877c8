// Shared HTTP transport for judges and remote reward servers.
export { HttpEndpoint, newCounters, reportedCounters } from './endpoint.js';
export type { EndpointOptions, PostOptions, TransportCounters } from './endpoint.js';
export { TransportError, backoffDelay, isRetryableStatus, parseRetryAfter } from './retry.js';
export type { FailureKind } from './retry.js';
