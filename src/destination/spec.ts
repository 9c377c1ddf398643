import type { ConnectorSpecification, JsonObject } from '../protocol/messages.js';
import { destinationConfigSchema } from './config.js';

/** What `proofline destination mongodb spec` answers: the form Airbyte renders, and the modes it may pick. */
export const destinationSpec: ConnectorSpecification = {
  documentationUrl: 'https://proofline.dev/docs/airbyte',
  connectionSpecification: destinationConfigSchema as unknown as JsonObject,
  supportsIncremental: true,
  supportsNormalization: false,
  supportsDBT: false,
  supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'],
  protocol_version: '0.5.2',
};
