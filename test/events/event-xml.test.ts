/** The push XML reader: WeChat's flat CDATA fields in, DOCTYPEs, entities and malformed text refused. */
import { describe, expect, it } from 'vitest';
import { readComponentEvent } from '../../src/events/component-event.js';
import { EventXmlError, parseEventXml } from '../../src/events/event-xml.js';
import { eventXml } from '../../src/simulator/index.js';

describe('parseEventXml', () => {
  it('reads WeChat envelope fields, CDATA or plain, as strings', () => {
    expect(parseEventXml('<xml><AppId><![CDATA[wx00c0ffee00c0ffee]]></AppId><CreateTime>1413192605</CreateTime><Encrypt><![CDATA[ab+/c==]]></Encrypt></xml>')).toEqual({
      AppId: 'wx00c0ffee00c0ffee',
      CreateTime: '1413192605',
      Encrypt: 'ab+/c==',
    });
  });

  it.each([
    ['a DOCTYPE', '<?xml version="1.0"?><!DOCTYPE xml [<!ELEMENT xml ANY>]><xml><A>1</A></xml>', /DOCTYPE or an entity/],
    ['an entity declaration', '<xml><!ENTITY x SYSTEM "file:///etc/passwd"><A>&x;</A></xml>', /DOCTYPE or an entity/],
    ['lower-case doctype', '<!doctype xml><xml><A>1</A></xml>', /DOCTYPE or an entity/],
    ['malformed XML', '<xml><A>1</A', /not well formed/],
    ['no <xml> root', '<root><A>1</A></root>', /no <xml> element/],
    ['a repeated field', '<xml><A>1</A><A>2</A></xml>', /not a single text value/],
  ])('refuses %s', (_what, text, reason) => {
    expect(() => parseEventXml(text)).toThrow(EventXmlError);
    expect(() => parseEventXml(text)).toThrow(reason);
  });

  it('leaves an entity reference as text instead of expanding it', () => {
    expect(parseEventXml('<xml><A>&amp;lt;</A></xml>')).toEqual({ A: '&amp;lt;' });
  });
});

describe('readComponentEvent', () => {
  const read = (fields: Record<string, string>) => readComponentEvent(parseEventXml(eventXml(fields)));

  it('reads the ticket, authorization and revocation pushes', () => {
    expect(read({ InfoType: 'component_verify_ticket', ComponentVerifyTicket: 'ticket@@@abc' })).toEqual({ infoType: 'component_verify_ticket', ticket: 'ticket@@@abc' });
    expect(read({ InfoType: 'updateauthorized', AuthorizerAppid: 'wx0123456789abcdef', AuthorizationCode: 'code@@@1' })).toEqual({
      infoType: 'updateauthorized',
      authorizerAppId: 'wx0123456789abcdef',
      authorizationCode: 'code@@@1',
    });
    expect(read({ InfoType: 'unauthorized', AuthorizerAppid: 'wx0123456789abcdef' })).toEqual({ infoType: 'unauthorized', authorizerAppId: 'wx0123456789abcdef' });
    expect(read({ InfoType: 'notify_third_fasteregister' })).toEqual({ infoType: 'other', name: 'notify_third_fasteregister' });
  });

  it.each([
    ['no InfoType', { CreateTime: '1413192605' }, /no InfoType/],
    ['a ticket push without its ticket', { InfoType: 'component_verify_ticket' }, /no ComponentVerifyTicket/],
    ['an authorization without its code', { InfoType: 'authorized', AuthorizerAppid: 'wx0123456789abcdef' }, /no AuthorizationCode/],
    ['a malformed authorizer appid', { InfoType: 'unauthorized', AuthorizerAppid: 'WX01' }, /AuthorizerAppid/],
  ])('refuses %s', (_what, fields, reason) => {
    expect(() => read(fields)).toThrow(reason);
  });
});
