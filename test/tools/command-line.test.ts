/**
 * How every tool reads its command line (tools/command-line.ts), through the lightest tool
 * that uses it, the profile summary: --help, an unknown flag, a bad value, a missing
 * argument. tool-help.slow.test.ts runs every tool's --help.
 */
import { describe, expect, it } from 'vitest';
import { runTool } from '../support/run-tool.js';

const PROFILE_SUMMARY = 'node --import tsx tools/bench/profile-summary.ts';
const stackTrace = /^\s+at .+:\d+:\d+\)?$/m;

describe('a tool’s command line', () => {
  it('prints the usage for --help or -h and exits 0; refuses a wrong call with what was wrong and the usage, exit 2', async () => {
    const [help, short, unknown, badNumber, missing] = await Promise.all([
      runTool(`${PROFILE_SUMMARY} --help`),
      runTool(`${PROFILE_SUMMARY} -h`),
      runTool(`${PROFILE_SUMMARY} profile.cpuprofile --no-such-flag`),
      runTool(`${PROFILE_SUMMARY} profile.cpuprofile --top many`),
      runTool(PROFILE_SUMMARY),
    ]);
    expect({ code: help.code, stderr: help.stderr }).toEqual({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^usage: node --import tsx tools\/bench\/profile-summary\.ts <file\.cpuprofile>… \[--top 25\]\n/);
    expect(short).toEqual({ ...help, command: short.command });

    for (const [run, problem] of [
      [unknown, "profile-summary: Unknown option '--no-such-flag'"],
      [badNumber, 'profile-summary: --top takes a whole number of at least 1, e.g. --top 25 (got "many")'],
      [missing, 'profile-summary: names no profile to summarize'],
    ] as const) {
      expect({ command: run.command, code: run.code, stdout: run.stdout }).toEqual({ command: run.command, code: 2, stdout: '' });
      expect(run.stderr).toBe(`${problem}\n\n${help.stdout}`);
      expect(run.stderr).not.toMatch(stackTrace);
    }
  });
});
