// Errors that stop an audit before it can judge anything (exit code 2): the input cannot be read at all.

export type InputErrorCode =
  | "input_not_found" | "input_unreadable" | "input_format" | "api_unreachable" | "api_rejected" | "output_unwritable";

export class InputError extends Error {
  readonly code: InputErrorCode;
  constructor(code: InputErrorCode, message: string) {
    super(message);
    this.name = "InputError";
    this.code = code;
  }
}
