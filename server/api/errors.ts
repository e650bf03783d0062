// The API's typed errors: an HTTP status, a literal code and the offending field path (server/http/errors.ts renders them).
import { HttpError } from "../http/http-error.ts";

export type ApiErrorCode =
  | "unauthenticated" | "forbidden" | "not_found"
  | "invalid_cursor" | "cursor_invalid" | "stream_not_found" | "window_outside_grant" | "window_invalid" | "tree_size_not_anchored" | "record_not_in_tree"
  | "receipt_tree_too_small" | "tile_path_invalid" | "entries_not_served" | "record_has_no_samples" | "record_body_erased"
  | "erasure_target_invalid" | "erasure_scope_invalid" | "record_already_erased" | "record_openings_missing"
  | "principal_exists" | "principal_not_found" | "key_not_found" | "grant_not_found" | "grant_invalid"
  | "device_not_enrolled" | "device_revoked" | "device_site_conflict" | "device_label_conflict" | "device_metadata_conflict" | "registrar_unavailable" | "chain_unavailable" | "access_log_unavailable";

export class ApiError extends HttpError<ApiErrorCode> {}

/** Out of scope and absent look the same: existence must not leak. */
export const notFound = (what: string, path: (string | number)[] = []) => new ApiError(404, "not_found", `${what} not found`, path);
