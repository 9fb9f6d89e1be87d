/**
 * The XML of WeChat's pushes, read with fast-xml-parser and nothing else: a DOCTYPE or
 * entity declaration is refused before parsing (no entity expansion, no external
 * references), the text must be well formed, and only a flat `<xml>` of single text
 * fields is accepted, which is all WeChat sends.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export class EventXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventXmlError';
  }
}

const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: true,
});

/** The `<xml>` element's fields as strings; throws EventXmlError naming what was wrong, never quoting the text. */
export function parseEventXml(text: string): Readonly<Record<string, string>> {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new EventXmlError('the XML declares a DOCTYPE or an entity, which WeChat never sends');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new EventXmlError(`the XML is not well formed (line ${valid.err.line}, column ${valid.err.col})`);
  let parsed: unknown;
  try {
    parsed = parser.parse(text);
  } catch {
    throw new EventXmlError('the XML could not be parsed');
  }
  const root = (parsed as { xml?: unknown }).xml;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw new EventXmlError('the XML has no <xml> element with fields');
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(root)) {
    if (typeof value !== 'string') throw new EventXmlError(`the XML field <${name}> is not a single text value`);
    fields[name] = value;
  }
  return fields;
}
