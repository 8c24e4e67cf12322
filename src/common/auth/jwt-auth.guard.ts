import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { AuthUser, Role, ROLES } from './auth-user';
import { AppConfig } from '../../config/app-config';
import { IGNORES_TOKEN_KEY, IS_PUBLIC_KEY, ROLES_KEY } from './auth.decorators';

interface RequestWithUser {
  headers: Record<string, string | string[] | undefined>;
  user?: AuthUser;
}

const MAX_USER_ID = 2_147_483_647;

/**
 * Global guard: every route needs a valid bearer token unless marked @Public(),
 * and @Roles() narrows who may call it. One guard does both to keep the hot path short.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IGNORES_TOKEN_KEY, targets)) return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets);
    const request = context.switchToHttp().getRequest<RequestWithUser>();
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      if (isPublic) return true;
      throw unauthorized('A bearer token is required');
    }
    request.user = await this.verify(token);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(request.user.role)) {
      throw new ForbiddenException({
        message: `This action needs the role ${roles.join(' or ')}`,
        code: 'ROLE_NOT_ALLOWED',
      });
    }
    return true;
  }

  private async verify(token: string): Promise<AuthUser> {
    let claims: Record<string, unknown>;
    try {
      claims = await this.jwt.verifyAsync(token, {
        algorithms: ['HS256'],
        issuer: this.config.JWT_ISSUER,
        audience: this.config.JWT_AUDIENCE,
      });
    } catch (error) {
      throw unauthorized(rejectionMessage(error as Error));
    }
    // A token that never expires cannot be taken back once leaked.
    if (typeof claims.exp !== 'number') {
      throw unauthorized('The token has no "exp" claim; tokens must expire');
    }
    const id =
      typeof claims.sub === 'string' && /^\d+$/.test(claims.sub) ? Number(claims.sub) : claims.sub;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > MAX_USER_ID) {
      throw unauthorized('The token has no valid integer "sub" claim');
    }
    if (!ROLES.includes(claims.role as Role)) {
      throw unauthorized(`The token "role" claim must be one of ${ROLES.join(', ')}`);
    }
    return { id, role: claims.role as Role };
  }
}

function rejectionMessage(error: Error): string {
  if (error.name === 'TokenExpiredError') return 'The token has expired';
  if (/issuer/.test(error.message))
    return 'The token was issued by an issuer this service does not trust';
  if (/audience/.test(error.message)) return 'The token is meant for another audience';
  return 'The token is invalid';
}

function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthorized('The Authorization header must be "Bearer <token>"');
  return match[1];
}

function unauthorized(message: string): UnauthorizedException {
  return new UnauthorizedException({ message, code: 'UNAUTHENTICATED' });
}
