/**
 * `--soak-rss <seconds>`: whether this subgraph's memory stays flat under sustained load.
 * W3 runs against the shipped configuration (or `--servers <one>`) after a warm-up, and the
 * server's RSS is sampled every few seconds from /proc. V8 takes a while to size its heap,
 * and RSS breathes with each major GC, so "flat" means: the last sample is at most 10%
 * above the highest of the run's first half. Growth that stops is the heap settling; a leak
 * keeps climbing through the second half.
 */
import { writeTemporaryAuthorizersFile } from '../simulated-wechat-env.js';
import { SERVER_LABELS, startServer, type ServerKey } from './bench-servers.js';
import { buildBenchWorld } from './bench-world.js';
import { buildWorkloads } from './bench-workloads.js';
import { driveLoad } from './measure-workload.js';
import { SimulatorProcess } from './simulator-process.js';

export interface SoakRssOptions {
  /** Default this subgraph as it ships; a baseline shows what flat looks like for the framework alone. */
  readonly server?: ServerKey;
  readonly seconds: number;
  readonly warmupSec: number;
  readonly latencyMs: number;
  readonly connections: number;
  readonly groups: number;
  readonly cacheTtlMs: number;
  readonly upstreamConnections: number;
  readonly subgraphEntry: 'dist' | 'source';
  readonly sampleEverySec?: number;
}

export interface SoakRssReport {
  readonly settings: SoakRssOptions;
  readonly opsPerSec: number;
  readonly p99Ms: number;
  readonly failedOperations: number;
  /** Seconds since the timed run began, and RSS in bytes. */
  readonly samples: readonly { readonly atSec: number; readonly rssBytes: number }[];
  readonly flat: boolean;
}

export async function runSoakRss(options: SoakRssOptions): Promise<SoakRssReport> {
  const world = buildBenchWorld({ groups: options.groups });
  const w3 = buildWorkloads(world).W3;
  const authorizersFile = await writeTemporaryAuthorizersFile(world.authorizersFile);
  const simulator = await SimulatorProcess.start({ latencyMs: options.latencyMs, groups: options.groups });
  try {
    const server = await startServer(options.server ?? 'subgraph', { ...options, simulatorUrl: simulator.url, authorizersFile: authorizersFile.path, cpuProfileDir: undefined });
    try {
      if (options.warmupSec > 0) await driveLoad(w3, server.url, options.connections, options.warmupSec);
      const samples: { atSec: number; rssBytes: number }[] = [];
      const started = Date.now();
      const sample = async () => samples.push({ atSec: Math.round((Date.now() - started) / 1000), rssBytes: await server.rssBytes() });
      await sample();
      const sampler = setInterval(() => void sample(), (options.sampleEverySec ?? 5) * 1000);
      const result = await driveLoad(w3, server.url, options.connections, options.seconds);
      clearInterval(sampler);
      await sample();
      return {
        settings: options,
        opsPerSec: (result['2xx'] - result.mismatches) / result.duration,
        p99Ms: result.latency.p99,
        failedOperations: result.non2xx + result.errors + result.timeouts + result.mismatches,
        samples,
        flat: samples.at(-1)!.rssBytes <= firstHalfPeak(samples, options.seconds) * 1.1,
      };
    } finally {
      await server.stop();
    }
  } finally {
    await simulator.stop();
    await authorizersFile.remove();
  }
}

function firstHalfPeak(samples: SoakRssReport['samples'], seconds: number): number {
  return Math.max(...samples.filter((sample) => sample.atSec <= seconds / 2).map((sample) => sample.rssBytes));
}

export function formatSoakRss(report: SoakRssReport): string {
  const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
  const first = report.samples[0]!.rssBytes;
  const last = report.samples.at(-1)!.rssBytes;
  const peak = Math.max(...report.samples.map((s) => s.rssBytes));
  const halfPeak = firstHalfPeak(report.samples, report.settings.seconds);
  return [
    `RSS soak: ${SERVER_LABELS[report.settings.server ?? 'subgraph']}, W3 for ${report.settings.seconds} s at ${report.settings.connections} connections after ${report.settings.warmupSec} s warm-up ` +
      `(${report.opsPerSec.toFixed(0)} ops/s, p99 ${report.p99Ms} ms, ${report.failedOperations} failed)`,
    `RSS ${report.samples.map((s) => `${s.atSec}s ${(s.rssBytes / 1_048_576).toFixed(0)}`).join(', ')} (MB)`,
    `start ${mb(first)}, first-half peak ${mb(halfPeak)}, end ${mb(last)}, peak ${mb(peak)}: ` +
      `${report.flat ? '✓ flat' : '✗ still growing'} (end ${(((last - halfPeak) / halfPeak) * 100).toFixed(1)}% over the first-half peak; at most 10%)`,
  ].join('\n');
}
