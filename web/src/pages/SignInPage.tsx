import { Alert, Button, Center, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { useAuth } from '../auth/AuthProvider';
import { useI18n } from '../i18n/I18nProvider';
import { ErrorMessage } from '../components/errors';

/**
 * Development: choose a demo user (the gateway signs a development token; it has no such
 * endpoint in production). Production: OpenID Connect, authorization code + PKCE.
 */
export function SignInPage() {
  const { t } = useI18n();
  const { config, configError, token, signInAsDemoUser, signInWithProvider } = useAuth();
  const location = useLocation();
  const returnTo = (location.state as { returnTo?: string } | null)?.returnTo ?? '/customers';
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  if (token) return <Navigate to={returnTo} replace />;

  const run = async (key: string, action: () => Promise<void>) => {
    setBusy(key);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={440} component="main">
        <Stack>
          <Title order={1} size="h2">
            {t('signIn.signInToThePartner')}
          </Title>
          {configError && (
            <Alert color="red">
              <ErrorMessage error={configError} />
            </Alert>
          )}
          {error && (
            <Alert color="red" role="alert">
              <ErrorMessage error={error} />
            </Alert>
          )}
          {!config && !configError && <Loader aria-label={t('signIn.loadingSignInOptions')} />}
          {config?.mode === 'development' && (
            <>
              <Text size="sm" c="dimmed">
                {t('signIn.developmentSignInChooseA')}
              </Text>
              {config.demoUsers.map((email) => (
                <Button key={email} variant="default" loading={busy === email} onClick={() => run(email, () => signInAsDemoUser(email))}>
                  {email}
                </Button>
              ))}
            </>
          )}
          {config?.mode === 'oidc' && (
            <Button loading={busy === 'oidc'} onClick={() => run('oidc', () => signInWithProvider(returnTo))}>
              {t('signIn.signInWithYourOrganisation')}
            </Button>
          )}
        </Stack>
      </Paper>
    </Center>
  );
}

/** Where the identity provider sends the user back with the authorization code. */
export function OidcCallbackPage() {
  const { t } = useI18n();
  const { config, completeSignIn } = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<Error | null>(null);
  const started = useRef(false);

  useEffect(() => {
    if (config?.mode !== 'oidc' || started.current) return;
    started.current = true;
    completeSignIn()
      .then((returnTo) => navigate(returnTo, { replace: true }))
      .catch((failure: Error) => setError(failure));
  }, [config, completeSignIn, navigate]);

  return (
    <Center mih="100vh" p="md">
      {error ? (
        <Alert color="red" title={t('signIn.signInFailed')}>
          <ErrorMessage error={error} />
          <Button mt="sm" onClick={() => navigate('/sign-in', { replace: true })}>
            {t('common.tryAgain')}
          </Button>
        </Alert>
      ) : (
        <Loader aria-label={t('signIn.signingIn')} />
      )}
    </Center>
  );
}
