import { useQueryClient } from '@tanstack/react-query';
import { InMemoryWebStorage, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { GraphQLRequestError } from '../graphql/execute';

/** How this deployment signs users in, from the gateway (`/auth/config`). */
export type SignInConfig =
  { mode: 'development'; demoUsers: string[] } | { mode: 'oidc'; authority: string; clientId: string; scope: string };

interface AuthState {
  config: SignInConfig | null;
  configError: Error | null;
  /** The access token, kept in memory only: a reload signs in again. */
  token: string | null;
  signInAsDemoUser(email: string): Promise<void>;
  signInWithProvider(returnTo: string): Promise<void>;
  /** Completes the authorization-code + PKCE redirect; returns where the user was going. */
  completeSignIn(): Promise<string>;
  signOut(): void;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [config, setConfig] = useState<SignInConfig | null>(null);
  const [configError, setConfigError] = useState<Error | null>(null);
  const [token, setToken] = useState<string | null>(null);

  useEffect(() => {
    fetch('/auth/config')
      .then(async (response) => {
        if (!response.ok)
          throw new GraphQLRequestError(`Sign-in is not configured on this server (${response.status}).`, 'SIGN_IN_NOT_CONFIGURED');
        setConfig((await response.json()) as SignInConfig);
      })
      .catch((error: Error) => setConfigError(error));
  }, []);

  const userManager = useMemo(() => {
    if (config?.mode !== 'oidc') return null;
    return new UserManager({
      authority: config.authority,
      client_id: config.clientId,
      redirect_uri: `${window.location.origin}/auth/callback`,
      post_logout_redirect_uri: `${window.location.origin}/sign-in`,
      response_type: 'code',
      scope: config.scope,
      // Tokens stay in memory, never in web storage where any script could read them.
      userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
      // An expired token is met by signing in again (UNAUTHENTICATED below), not by a hidden iframe.
      automaticSilentRenew: false,
    });
  }, [config]);

  const signInAsDemoUser = useCallback(async (email: string) => {
    const response = await fetch('/auth/dev-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    if (!response.ok) throw new GraphQLRequestError('Could not sign in as this demo user.', 'DEMO_SIGN_IN_REFUSED');
    setToken(((await response.json()) as { token: string }).token);
  }, []);

  const signInWithProvider = useCallback(
    async (returnTo: string) => {
      if (!userManager) throw new GraphQLRequestError('OpenID Connect is not configured.', 'SIGN_IN_NOT_CONFIGURED');
      await userManager.signinRedirect({ state: { returnTo } });
    },
    [userManager],
  );

  const completeSignIn = useCallback(async () => {
    if (!userManager) throw new GraphQLRequestError('OpenID Connect is not configured.', 'SIGN_IN_NOT_CONFIGURED');
    const user = await userManager.signinRedirectCallback();
    setToken(user.access_token);
    const state = user.state as { returnTo?: string } | undefined;
    return state?.returnTo ?? '/customers';
  }, [userManager]);

  const queryClient = useQueryClient();
  /** Forgets the token and what its user saw, here only. */
  const endLocalSession = useCallback(() => {
    setToken(null);
    // Nothing the previous user saw stays in memory for the next one.
    queryClient.clear();
  }, [queryClient]);

  // Signing out also ends the session at the identity provider (OpenID Connect RP-initiated
  // logout: its end_session_endpoint with id_token_hint, back to /sign-in), so the next person
  // at this browser is asked to sign in rather than let back in by the provider. A provider
  // without that endpoint only loses the user here.
  const signOut = useCallback(() => {
    endLocalSession();
    if (userManager) void userManager.signoutRedirect().catch(() => userManager.removeUser());
  }, [userManager, endLocalSession]);

  // A token that expires or is refused (deactivated user) sends the user back to sign in.
  const refusedSignOut = useCallback(() => {
    endLocalSession();
    void userManager?.removeUser();
  }, [userManager, endLocalSession]);
  useEffect(() => {
    const refused = (error: unknown) => (error as { code?: string } | null)?.code === 'UNAUTHENTICATED';
    const queries = queryClient.getQueryCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'error' && refused(event.action.error)) refusedSignOut();
    });
    const mutations = queryClient.getMutationCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'error' && refused(event.action.error)) refusedSignOut();
    });
    return () => {
      queries();
      mutations();
    };
  }, [queryClient, refusedSignOut]);

  const value = useMemo(
    () => ({ config, configError, token, signInAsDemoUser, signInWithProvider, completeSignIn, signOut }),
    [config, configError, token, signInAsDemoUser, signInWithProvider, completeSignIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}
