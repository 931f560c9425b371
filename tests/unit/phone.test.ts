import { describe, expect, it } from 'vitest';
import { parseDutchPhone } from '../../extension/shared/phone';

describe('Dutch phone validation', () => {
  it.each([
    ['06-99990001', '+31699990001', 'mobile'],
    ['06 9999 0001', '+31699990001', 'mobile'],
    ['+31 6 99990001', '+31699990001', 'mobile'],
    ['+31 (0)6 99990001', '+31699990001', 'mobile'],
    ['0031699990001', '+31699990001', 'mobile'],
    ['043-9990001', '+31439990001', 'landline'],
    ['(010) 999 00 01', '+31109990001', 'landline'],
  ])('accepts %s as %s', (input, e164, kind) => {
    expect(parseDutchPhone(input)).toMatchObject({ ok: true, e164, kind });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['06-9999000', 'length'],
    ['06-999900011', 'length'],
    ['6-99990001', 'length'],
    ['bel 06-99990001', 'characters'],
    ['+32 470 99 99 99', 'country'],
    ['0049 170 9999999', 'country'],
    ['0800-9999000', 'service-number'],
    ['0900-9999000', 'service-number'],
    ['088-9990001', 'service-number'],
  ])('refuses %j (%s)', (input, reason) => {
    expect(parseDutchPhone(input)).toEqual({ ok: false, reason });
  });

  it('formats mobile numbers for the preview', () => {
    expect(parseDutchPhone('+31699990001')).toMatchObject({ display: '06-99990001' });
  });
});
