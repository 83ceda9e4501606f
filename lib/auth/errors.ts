import { DomainError } from "@/lib/actions/domain-error";

/** Nobody is signed in (or the session expired, or the API token is unknown or revoked). */
export class UnauthenticatedError extends DomainError {
  constructor(message = "Sign in first") {
    super(message);
  }
}

/** Someone is signed in but the policy refuses the action; the message is the policy's reason. */
export class ForbiddenError extends DomainError {}
