import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, setAccessToken, type ApiError, type Schemas } from '../api/client';

export type SignedInUser = Schemas['TokenPair']['user'];
type TokenPair = Schemas['TokenPair'];

interface AuthState {
  status: 'loading' | 'signedOut' | 'signedIn';
  user: SignedInUser | null;
}

interface AuthApi extends AuthState {
  /** Resolves null when signed in, or the API's error (401, 423 with its reason, 429). */
  login(username: string, password: string): Promise<ApiError | null>;
  logout(): Promise<void>;
}

const AuthContext = createContext<AuthApi | null>(null);

/**
 * One refresh at a time, across this browser's tabs where Web Locks exist: the refresh token rotates, and two
 * requests presenting the same cookie would look like a stolen token and end the session.
 */
let refreshing: Promise<TokenPair | null> | null = null;
async function refreshRequest(): Promise<TokenPair | null> {
  // `{}` as JSON: the cookie carries the token; a JSON body is what a cross-site form cannot send.
  const { data } = await api.POST('/api/auth/refresh', { body: {} });
  return data ?? null;
}
function refreshOnce(): Promise<TokenPair | null> {
  if (!refreshing) {
    const locked = navigator.locks ? (navigator.locks.request('assistflow-refresh', refreshRequest) as unknown as Promise<TokenPair | null>) : refreshRequest();
    refreshing = locked.finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading', user: null });
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  const accept = useCallback((pair: TokenPair | null) => {
    clearTimeout(timer.current);
    setAccessToken(pair?.token ?? null);
    setState(pair ? { status: 'signedIn', user: pair.user } : { status: 'signedOut', user: null });
    if (!pair) return;
    // Renew a minute before the access token ends (or halfway, for very short tokens).
    const lifetime = Date.parse(pair.tokenExpiresAt) - Date.now();
    const delay = Math.max(5_000, Math.min(lifetime - 60_000, lifetime / 2));
    timer.current = setTimeout(() => {
      void refreshOnce().then(accept);
    }, delay);
  }, []);

  // Silent sign-in on load: the cookie from an earlier login, if the session still runs.
  useEffect(() => {
    void refreshOnce().then(accept);
    return () => clearTimeout(timer.current);
  }, [accept]);

  const login = useCallback(
    async (username: string, password: string) => {
      const { data, error } = await api.POST('/api/auth/login', { body: { username, password } });
      if (!data) return (error ?? { reason: '登录失败，请稍后重试' }) as ApiError;
      accept(data);
      return null;
    },
    [accept],
  );

  const logout = useCallback(async () => {
    await api.POST('/api/auth/logout').catch(() => undefined);
    accept(null);
  }, [accept]);

  const value = useMemo(() => ({ ...state, login, logout }), [state, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthApi {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

/** The signed-in user; only under RequireAuth. */
export function useUser(): SignedInUser {
  const { user } = useAuth();
  if (!user) throw new Error('useUser while signed out');
  return user;
}
