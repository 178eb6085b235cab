import { describe, expect, it } from 'vitest';
import { tenure } from '../../src/http/tenure';

describe('tenure', () => {
  it('leaves a Request, its Headers and a Response as code sees them', async () => {
    const request = new Request('https://relais.example/autodoc-freins?sub1=a', { headers: { 'user-agent': 'UA' } });
    const response = new Response(null, { status: 302, headers: { location: 'https://www.autodoc.fr/' } });
    const before = [Object.keys(request), Object.keys(request.headers), Object.keys(response)];
    tenure(request);
    tenure(request.headers);
    tenure(response);
    tenure(response);
    expect([Object.keys(request), Object.keys(request.headers), Object.keys(response)]).toEqual(before);
    expect(request.headers.get('user-agent')).toBe('UA');
    expect([...request.headers]).toEqual([['user-agent', 'UA']]);
    expect(response.headers.get('location')).toBe('https://www.autodoc.fr/');
    expect(response.status).toBe(302);
  });

  it('gives the object a property of its own, which is what keeps it from minor collections', () => {
    const response = new Response('ok');
    expect(Object.getOwnPropertySymbols(response)).toHaveLength(0);
    tenure(response);
    expect(Object.getOwnPropertySymbols(response)).toHaveLength(1);
  });
});
