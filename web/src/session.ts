/** Who is logged in (GET /api/tokens/me) and what that role may do. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { WhoAmI } from '../../src/protocol/api/tokens';

const ORDER = ['viewer', 'operator', 'admin'];

export const SessionContext = createContext<WhoAmI | null>(null);

export function useSession(): WhoAmI | null {
  return useContext(SessionContext);
}

/** True when the session's role is `need` or above (the gateway decides; this only greys out). */
export function useCan(need: 'viewer' | 'operator' | 'admin'): boolean {
  const who = useSession();
  return who !== null && ORDER.indexOf(who.role) >= ORDER.indexOf(need);
}
