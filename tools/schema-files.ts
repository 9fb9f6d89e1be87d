/**
 * `npm run schema:write` / `npm run schema:check`: the committed schema files under
 * schema/ are printed from the code; check fails (exit 1) when the code and the files differ.
 * They are the default configuration's, and one variant: the SDL with
 * MERCHANT_AUTHORIZER_FIELD=wechatAppId, for gateway developers composing that mode.
 */
import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { printCloudEnvironmentsSdl } from '../src/schema/print-schema.js';
import { readCommandLine, refuseCommandLine } from './command-line.js';
import { composeSupergraph } from './supergraph.js';

const schemaDir = fileURLToPath(new URL('../schema/', import.meta.url));

/** The committed variant for MERCHANT_AUTHORIZER_FIELD (docs/supergraph.md). */
const MERCHANT_AUTHORIZER_FIELD_VARIANT = { field: 'wechatAppId', file: 'cloud-environments.wechat-app-id.graphql' } as const;

const SCHEMA_FILES = {
  name: 'schema-files',
  usage: `usage:
  npm run schema:write    prints the schema files under schema/ from the code
  npm run schema:check    exits 1 when a committed schema file differs from what the code prints

(both run tools/schema-files.ts write|check)`,
};

function expectedFiles(): Record<string, string> {
  const { supergraphSdl, apiSchemaSdl } = composeSupergraph();
  return {
    'cloud-environments.graphql': `${printCloudEnvironmentsSdl()}\n`,
    [MERCHANT_AUTHORIZER_FIELD_VARIANT.file]: `${printCloudEnvironmentsSdl({ authorizerField: MERCHANT_AUTHORIZER_FIELD_VARIANT.field })}\n`,
    'supergraph.graphql': `${supergraphSdl}\n`,
    'api-schema.graphql': `${apiSchemaSdl}\n`,
  };
}

async function main(mode: string | undefined): Promise<number> {
  const files = expectedFiles();
  if (mode === 'write') {
    for (const [name, text] of Object.entries(files)) await writeFile(`${schemaDir}${name}`, text);
    console.log(`wrote ${Object.keys(files).map((name) => `schema/${name}`).join(', ')}`);
    return 0;
  }
  if (mode === 'check') {
    const stale: string[] = [];
    for (const [name, text] of Object.entries(files)) {
      const committed = await readFile(`${schemaDir}${name}`, 'utf8').catch(() => undefined);
      if (committed !== text) stale.push(`schema/${name}`);
    }
    if (stale.length > 0) {
      console.error(`${stale.join(', ')} differ from the schema the code builds; run \`npm run schema:write\` and commit the result.`);
      return 1;
    }
    console.log('schema files match the code');
    return 0;
  }
  return refuseCommandLine(SCHEMA_FILES, `takes write or check (got "${mode ?? ''}")`);
}

const { positionals } = readCommandLine({ ...SCHEMA_FILES, allowPositionals: true });
if (positionals.length !== 1) refuseCommandLine(SCHEMA_FILES, `takes one of write or check (got ${positionals.length} arguments)`);
process.exitCode = await main(positionals[0]);
