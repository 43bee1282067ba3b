/** Error codes shared by HTTP and socket.io; HTTP_STATUS maps them onto status codes. */
export type ErrorCode =
  | 'bad_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'kernel_refused' | 'unavailable' | 'internal';

export interface ProtocolError {
  code: ErrorCode;
  /** A complete sentence, safe to show the operator. Kernel refusals carry the kernel's message verbatim. */
  message: string;
  /** 'EBUSY', 'EINVAL', … when the kernel refused a write. */
  errno?: string;
  /** Kernel file name (e.g. "memory.limit_in_bytes"), never a host path. */
  file?: string;
}

export const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  kernel_refused: 409,
  unavailable: 503,
  internal: 500,
};

/** Builds a ProtocolError value. */
export function protocolError(code: ErrorCode, message: string, extra: Omit<ProtocolError, 'code' | 'message'> = {}): ProtocolError {
  return { code, message, ...extra };
}
