import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces moved into an encoded payload, which the payload codec then encrypts: refusal
 * reasons and error messages can name people (a Postgres unique violation quotes the ID number it refused), and
 * without this they would sit in workflow history in clear. Loaded by path (`failureConverterPath`), because the
 * workflow sandbox bundles it too. Clients with the codec decode the message back; the API relies on that.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
