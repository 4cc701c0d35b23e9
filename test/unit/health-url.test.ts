import { expect, test } from '@jest/globals';
import { withoutCredentials } from '../../hub/api/rooms-routes.js';

test('the public health answer never shows credentials written into the broker URL', () => {
  expect(withoutCredentials('mqtts://hnth-hub:s3cret@broker.tq.gov.vn:8883')).toBe(
    'mqtts://broker.tq.gov.vn:8883',
  );
  expect(withoutCredentials('mqtt://127.0.0.1:1883')).toBe('mqtt://127.0.0.1:1883');
  expect(withoutCredentials('not a url')).toBe('(unparsable URL)');
});
