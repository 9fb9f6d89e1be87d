/**
 * Said once, not per field: the authorizers whose fields are being served from their last
 * good answer because a fresh one could not be had. One warning when an authorizer starts
 * being served stale, one line when it stops (a fresh answer landed, its copy was
 * forgotten, or it grew too old to serve and its fields fail now). Answers served while a
 * routine refresh runs (stale while revalidate) are not trouble and are not logged.
 */
import type { Logger } from 'pino';

interface Episode {
  readonly reason: string;
  readonly since: number;
}

export class StaleEpisodes {
  private readonly open = new Map<string, Episode>();

  constructor(private readonly logger: Logger) {}

  /** The authorizer's fields are served from its last good answer, read at `fetchedAt`, because of `reason` (an error code). */
  begin(authorizerAppId: string, reason: string, fetchedAt: Date): void {
    if (this.open.has(authorizerAppId)) return;
    this.open.set(authorizerAppId, { reason, since: Date.now() });
    this.logger.warn(
      { authorizerAppId, reason, fetchedAt: fetchedAt.toISOString() },
      `authorizer ${authorizerAppId}: no fresh answer from WeChat (${reason}); serving its last good answer, read at ${fetchedAt.toISOString()}, until one comes`,
    );
  }

  /** A fresh answer landed for the authorizer. */
  fresh(authorizerAppId: string): void {
    this.end(authorizerAppId, 'info', 'a fresh answer came: serving fresh answers again');
  }

  /** A failure left nothing servable: the copy is older than CLOUDENV_STALE_IF_ERROR_MS allows, or the failure may not be covered. */
  failing(authorizerAppId: string, code: string): void {
    this.end(authorizerAppId, 'warn', `no last good answer may stand in any more; its fields fail with ${code}`, { code });
  }

  /** The copy was deleted: the failure concerns authorization, or the authorization was revoked. Said once, if there was one. */
  forgotten(authorizerAppId: string, because: string, hadCopy: boolean): void {
    const what = `its last good answer was deleted (${because}) and is never served`;
    if (this.open.has(authorizerAppId)) this.end(authorizerAppId, 'info', what, { because });
    else if (hadCopy) this.logger.info({ authorizerAppId, because }, `authorizer ${authorizerAppId}: ${what}`);
  }

  private end(authorizerAppId: string, level: 'info' | 'warn', what: string, details: Record<string, string> = {}): void {
    const episode = this.open.get(authorizerAppId);
    if (!episode) return;
    this.open.delete(authorizerAppId);
    const staleForMs = Date.now() - episode.since;
    this.logger[level]({ authorizerAppId, reason: episode.reason, staleForMs, ...details }, `authorizer ${authorizerAppId}: stale answers stop after ${staleForMs} ms: ${what}`);
  }
}
