/**
 * The request log as the admin API reads it (`/admin/requests`), for the HTTP layer: searches,
 * one request, and stats, each scoped to what the caller may see.
 */
export {
  RequestLogQueries as RequestLogAccess,
  maxRequestLogBuckets,
  type RequestLogBucket,
  type RequestLogQueryFilter,
} from '../pipeline/request-log/request-log-queries.ts';
