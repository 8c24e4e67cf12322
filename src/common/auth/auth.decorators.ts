import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { OPTIONAL_AUTH_EXTENSION } from '../openapi';
import { AuthUser, Role } from './auth-user';

export const IS_PUBLIC_KEY = 'auth:public';
export const ROLES_KEY = 'auth:roles';
export const IGNORES_TOKEN_KEY = 'auth:ignores-token';

/** The route answers without a token; a valid token still identifies the caller. */
export const Public = () =>
  applyDecorators(SetMetadata(IS_PUBLIC_KEY, true), ApiExtension(OPTIONAL_AUTH_EXTENSION, true));

/**
 * The route never looks at the Authorization header, not even to refuse a bad one: probes must
 * answer whatever a load balancer or a proxy in front of them sends.
 */
export const IgnoresToken = () => SetMetadata(IGNORES_TOKEN_KEY, true);

/** Only callers with one of these roles get past the guard (403 otherwise). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** The authenticated caller, or undefined on a public route called without a token. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): AuthUser | undefined =>
    ctx.switchToHttp().getRequest<{ user?: AuthUser }>().user,
);
