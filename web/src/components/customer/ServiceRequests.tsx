import { Badge, Button, Card, Group, Modal, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { graphql, getFragmentData, type FragmentType } from '../../__generated__';
import type { ServiceRequestSeverity, ServiceRequests_CustomerFragment } from '../../__generated__/graphql';
import { fieldError, FormErrors, type PayloadError, payloadErrors, type PayloadErrorRefs } from '../errors';
import { useLabels } from '../labels';
import { useCapabilities } from '../Viewer';
import { useGraphQLMutation, useIdempotencyKey } from '../../graphql/hooks';
import { useI18n } from '../../i18n/I18nProvider';

const ServiceRequestsFragment = graphql(`
  fragment ServiceRequests_customer on Customer {
    id
    hasAdminRights
    serviceRequests {
      id
      title
      description
      severity
      status
      createdAt
      closedAt
      notes {
        id
        text
        createdAt
      }
    }
  }
`);

const CreateDocument = graphql(`
  mutation CreateServiceRequest($customerId: ID!, $input: CreateServiceRequestInput!, $idempotencyKey: String) {
    createServiceRequest(customerId: $customerId, input: $input, idempotencyKey: $idempotencyKey) {
      errors {
        ...PayloadErrorFields
      }
      serviceRequest {
        id
      }
    }
  }
`);

const AddNoteDocument = graphql(`
  mutation AddServiceRequestNote($id: ID!, $text: String!) {
    addServiceRequestNote(id: $id, text: $text) {
      errors {
        ...PayloadErrorFields
      }
    }
  }
`);

const CloseDocument = graphql(`
  mutation CloseServiceRequest($id: ID!) {
    closeServiceRequest(id: $id) {
      errors {
        ...PayloadErrorFields
      }
    }
  }
`);

const SEVERITIES: ServiceRequestSeverity[] = ['CRITICAL', 'MODERATE', 'MINIMAL'];
type ServiceRequest = ServiceRequests_CustomerFragment['serviceRequests'][number];

/** Service requests: open one, add a note, close it. */
export function ServiceRequests(props: { customer: FragmentType<typeof ServiceRequestsFragment>; onChanged: () => void }) {
  const { t } = useI18n();
  const customer = getFragmentData(ServiceRequestsFragment, props.customer);
  const { seesCustomers } = useCapabilities();
  const create = useGraphQLMutation(CreateDocument);
  const addNote = useGraphQLMutation(AddNoteDocument);
  const close = useGraphQLMutation(CloseDocument);
  // Open while the form shows; each opening is one attempt with its own key.
  const [opening, setOpening] = useState(false);
  const [idempotencyKey, renewIdempotencyKey] = useIdempotencyKey();
  const [form, setForm] = useState<{ title: string; description: string; severity: ServiceRequestSeverity }>({
    title: '',
    description: '',
    severity: 'MODERATE',
  });
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const manages = customer.hasAdminRights && seesCustomers;

  const done = (payload: { errors: PayloadErrorRefs }, message: string) => {
    setErrors(payloadErrors(payload.errors));
    if (payload.errors.length > 0) return false;
    notifications.show({ color: 'green', message });
    props.onChanged();
    return true;
  };

  return (
    <Stack>
      {manages && (
        <Group>
          <Button
            onClick={() => {
              setErrors([]);
              setForm({ title: '', description: '', severity: 'MODERATE' });
              renewIdempotencyKey();
              setOpening(true);
            }}
          >
            {t('serviceRequests.openAServiceRequest')}
          </Button>
        </Group>
      )}
      {!opening && <FormErrors errors={errors} />}
      {customer.serviceRequests.length === 0 && <Text size="sm">{t('serviceRequests.noServiceRequests')}</Text>}
      {customer.serviceRequests.map((request) => (
        <ServiceRequestCard
          key={request.id}
          request={request}
          manages={manages}
          note={notes[request.id] ?? ''}
          onNote={(note) => setNotes({ ...notes, [request.id]: note })}
          onAddNote={async () => {
            if (
              done(
                (await addNote.mutateAsync({ id: request.id, text: notes[request.id] ?? '' })).addServiceRequestNote,
                t('serviceRequests.noteAdded'),
              )
            )
              setNotes({ ...notes, [request.id]: '' });
          }}
          onClose={async () =>
            void done((await close.mutateAsync({ id: request.id })).closeServiceRequest, t('serviceRequests.closedNotice'))
          }
        />
      ))}
      <Modal opened={opening} onClose={() => setOpening(false)} title={t('serviceRequests.openAServiceRequest')}>
        <form
          onSubmit={async (event) => {
            event.preventDefault();
            if (!opening) return;
            const payload = (await create.mutateAsync({ customerId: customer.id, input: form, idempotencyKey })).createServiceRequest;
            if (done(payload, t('serviceRequests.openedNotice'))) setOpening(false);
          }}
        >
          <Stack>
            <TextInput
              label={t('serviceRequests.title')}
              required
              value={form.title}
              onChange={(e) => setForm({ ...form, title: e.currentTarget.value })}
              error={fieldError(errors, 'title')}
              data-autofocus
            />
            <Textarea
              label={t('serviceRequests.description')}
              required
              minRows={3}
              autosize
              value={form.description}
              onChange={(e) => setForm({ ...form, description: e.currentTarget.value })}
              error={fieldError(errors, 'description')}
            />
            <Select
              label={t('serviceRequests.severity')}
              required
              allowDeselect={false}
              data={SEVERITIES.map((value) => ({ value, label: t(`serviceRequests.severity.${value}`) }))}
              value={form.severity}
              onChange={(value) => value && setForm({ ...form, severity: value as ServiceRequestSeverity })}
            />
            <FormErrors errors={errors} shownFields={['title', 'description']} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpening(false)}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={create.isPending}>
                {t('serviceRequests.openRequest')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Stack>
  );
}

/** One request: its severity, status, description and notes; a note to add and a close while it is open. */
function ServiceRequestCard(props: {
  request: ServiceRequest;
  manages: boolean;
  note: string;
  onNote: (note: string) => void;
  onAddNote: () => Promise<void>;
  onClose: () => Promise<void>;
}) {
  const { t } = useI18n();
  const labels = useLabels();
  const { request } = props;
  return (
    <Card withBorder component="article" aria-label={request.title}>
      <Group justify="space-between">
        <Text fw={500}>{request.title}</Text>
        <Group gap="xs">
          <Badge variant="light" color={request.severity === 'CRITICAL' ? 'red' : 'gray'}>
            {t(`serviceRequests.severity.${request.severity}`)}
          </Badge>
          <Badge variant="light" color={request.status === 'CLOSED' ? 'gray' : 'blue'}>
            {t(`serviceRequests.status.${request.status}`)}
          </Badge>
        </Group>
      </Group>
      <Text size="sm" mt="xs">
        {request.description}
      </Text>
      <Text size="xs" c="dimmed">
        {t('serviceRequests.opened', { date: labels.date(request.createdAt) })}
        {request.closedAt ? t('serviceRequests.closed', { date: labels.date(request.closedAt) }) : ''}
      </Text>
      {request.notes.map((note) => (
        <Text size="sm" key={note.id} mt="xs" pl="sm" style={{ borderLeft: '2px solid var(--mantine-color-gray-4)' }}>
          {note.text}{' '}
          <Text span size="xs" c="dimmed">
            ({labels.date(note.createdAt)})
          </Text>
        </Text>
      ))}
      {props.manages && request.status !== 'CLOSED' && (
        <Group mt="sm" align="flex-end">
          <Textarea
            label={t('serviceRequests.noteOn', { title: request.title })}
            autosize
            minRows={1}
            style={{ flex: 1, minWidth: 200 }}
            value={props.note}
            onChange={(e) => props.onNote(e.currentTarget.value)}
          />
          <Button variant="light" disabled={!props.note.trim()} onClick={props.onAddNote}>
            {t('serviceRequests.addNote')}
          </Button>
          <Button variant="default" aria-label={t('serviceRequests.close', { title: request.title })} onClick={props.onClose}>
            {t('serviceRequests.closeRequest')}
          </Button>
        </Group>
      )}
    </Card>
  );
}
