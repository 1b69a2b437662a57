import { userInfo } from 'node:os';
import { type ActionActor, namedUser } from '../jobs/admin-audit.ts';

/** Who acts from the command line: `--actor` (a UPN, say) or `cli:<login name>`. */
export function cliActorOf(opts: { actor?: string }): ActionActor {
  const name = opts.actor ?? `cli:${userInfo().username}`;
  return { initiatedBy: name, audit: namedUser(name) };
}
