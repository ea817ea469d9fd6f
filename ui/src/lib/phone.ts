/**
 * Signing over the phone (issue 16): the signer's number as a `tel:` link, and which number
 * belongs to whom. Only display: the order itself goes to the signer's personnummer.
 */
import type { RegisterData, SignerRole } from './backend/types';

/**
 * The `tel:` link for a phone number as typed in the register (`070-123 45 67`,
 * `+46 70 123 45 67`): digits and a leading `+` only. `null` when there is no number to call.
 */
export function telHref(phone: string | null | undefined): string | null {
  const trimmed = (phone ?? '').trim();
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length === 0) return null;
  return `tel:${trimmed.startsWith('+') ? '+' : ''}${digits}`;
}

/**
 * The signer's phone number from the register: the assistant's (`assistant`, 12 digits as in
 * the overview) when the assistant signs; `null` for the provider's signatory, whose number
 * Assistid does not store, and for an assistant without a number.
 */
export function signerPhone(role: SignerRole, assistant: string, register: RegisterData | null): string | null {
  if (role !== 'assistant' || !register) return null;
  const found = register.assistants.find((a) => a.id.replace(/\D/g, '') === assistant.replace(/\D/g, ''));
  const phone = found?.phone?.trim();
  return phone ? phone : null;
}
