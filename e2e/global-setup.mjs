// Before the first spec: the shared relay's demo office takes walk-in tickets at any hour
// today and tomorrow (see hours.mjs).
import { openAllDay } from './hours.mjs';
import { ADMIN_PASSWORD } from './tests/fixtures/pages.mjs';

export default async function globalSetup(config) {
  await openAllDay(config.projects[0].use.baseURL, ADMIN_PASSWORD);
}
