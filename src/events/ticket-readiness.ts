/**
 * Whether a component_verify_ticket is at hand in the own-token mode: with component
 * credentials nothing can be minted without one (pushed by WeChat and stored by the
 * receiver, or WECHAT_COMPONENT_VERIFY_TICKET). Until then /readyz and
 * cloudenv_degraded{check="ticket"} say why, and fields answer COMPONENT_TICKET_INVALID;
 * the replica stays ready, since WeChat's push reaches only a replica that takes traffic.
 */
import type { TokenRecords } from '../tokens/token-records.js';

export async function ticketReadiness(records: Pick<TokenRecords, 'ticket'>, fallbackTicket: string | undefined): Promise<{ ready: boolean; reason?: string }> {
  if (fallbackTicket !== undefined) return { ready: true };
  if ((await records.ticket()) !== undefined) return { ready: true };
  return {
    ready: false,
    reason:
      'no component_verify_ticket yet: WeChat pushes one every 10 minutes to the authorization event URL (POST /wechat/component/events, on EVENTS_PORT when set; needs WECHAT_COMPONENT_MESSAGE_TOKEN and WECHAT_COMPONENT_ENCODING_AES_KEY), and is asked to push one now (api_start_push_ticket); or set WECHAT_COMPONENT_VERIFY_TICKET',
  };
}
