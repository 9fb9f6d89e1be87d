/**
 * WeChat appends a request id to most error messages (` rid: 6142cae2-160a288b-589e1ad2`;
 * older answers say ` hint: [xxxx]`). Support asks for it, so it travels with every error.
 */
const RID = /\brid:\s*([0-9a-zA-Z]+(?:-[0-9a-zA-Z]+)*)/;
const HINT = /\bhint:\s*\[([^\]]+)\]/;

export function parseRid(errmsg: string): string | undefined {
  return RID.exec(errmsg)?.[1] ?? HINT.exec(errmsg)?.[1];
}
