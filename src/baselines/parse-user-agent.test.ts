import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseUserAgent } from './parse-user-agent.ts';

// [user agent as logged, expected product, expected major]
const USER_AGENTS: readonly (readonly [string, string, string | null])[] = [
  [
    'azsdk-python-identity/1.15.0 Python/3.11.4 (Linux-5.15.0-1052-azure-x86_64-with-glibc2.35)',
    'azsdk-python-identity',
    '1',
  ],
  [
    'azsdk-js-identity/4.0.1 core-rest-pipeline/1.13.0 Node/v20.11.0 OS/(x64-Linux-5.15.0-1053-azure)',
    'azsdk-js-identity',
    '4',
  ],
  ['azure-identity-js/2.1.0 Node/v18.19.0 OS/(x64-Linux-6.2.0-1019-azure)', 'azure-identity-js', '2'],
  ['azsdk-java-azure-identity/1.11.1 (17.0.9; Linux; 5.15.0-1051-azure)', 'azsdk-java-azure-identity', '1'],
  ['Azure-SDK-For-Java/12.5.0 (JavaJRE 11.0.21; Linux 5.15.0-1049-azure)', 'azure-sdk-for-java', '12'],
  ['azsdk-net-Identity/1.10.4 (.NET 6.0.25; Microsoft Windows 10.0.20348)', 'azsdk-net-identity', '1'],
  ['Microsoft.Identity.Client/4.59.0', 'microsoft.identity.client', '4'],
  [
    'AZURECLI/2.56.0 (MSI) azsdk-python-azure-mgmt-resource/23.1.0b2 Python/3.11.7 (Linux-5.15.0-1053-azure-x86_64-with-glibc2.35)',
    'azurecli',
    '2',
  ],
  ['AzurePowershell/v11.1.0 PSVersion/v7.4.0', 'azurepowershell', '11'],
  ['PowerShell/7.4', 'powershell', '7'],
  ['Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.22631; en-US) PowerShell/7.4.1', 'powershell', '7'],
  ['Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.22621.2506', 'powershell', '5'],
  ['python-requests/2.31.0', 'python-requests', '2'],
  ['curl/8.4.0', 'curl', '8'],
  ['Go-http-client/1.1', 'go-http-client', '1'],
  ['Apache-HttpClient/4.5.14 (Java/17.0.8)', 'apache-httpclient', '4'],
  ['aws-sdk-go/1.44.0 (go1.21.5; linux; amd64)', 'aws-sdk-go', '1'],
  ['Terraform/1.6.6 (+https://www.terraform.io) terraform-provider-azurerm/3.85.0', 'terraform', '1'],
  ['kubelogin/v0.1.0', 'kubelogin', '0'],
  ['Microsoft Azure Graph Client Library 1.0', 'microsoft azure graph client library', '1'],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    'browser:chrome',
    '120',
  ],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91',
    'browser:edge',
    '120',
  ],
  [
    'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
    'browser:firefox',
    '121',
  ],
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
    'browser:safari',
    '17',
  ],
  [
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/119.0.6045.105 Safari/537.36',
    'browser:headless-chrome',
    '119',
  ],
  ['Mozilla/5.0 (Windows NT 10.0; Trident/7.0; rv:11.0) like Gecko', 'browser:ie', '11'],
  ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'browser:other', null],
  ['  curl/7.81.0  ', 'curl', '7'],
  ['okhttp', 'okhttp', null],
];

describe('parseUserAgent', () => {
  for (const [userAgent, product, major] of USER_AGENTS) {
    it(`reads ${userAgent.slice(0, 60)}`, () => {
      const parsed = parseUserAgent(userAgent);
      assert.deepEqual(parsed, { product, major, key: major === null ? product : `${product}/${major}` });
    });
  }

  it('gives SDK patch and minor upgrades the same product and major version', () => {
    const pairs = [
      [
        'azsdk-python-identity/1.15.0 Python/3.11.4 (Linux-5.15.0-1052-azure-x86_64-with-glibc2.35)',
        'azsdk-python-identity/1.16.1 Python/3.12.2 (Linux-6.5.0-1017-azure-x86_64-with-glibc2.35)',
      ],
      ['Microsoft.Identity.Client/4.59.0', 'Microsoft.Identity.Client/4.61.3'],
      [
        'azsdk-js-identity/4.0.1 core-rest-pipeline/1.13.0 Node/v20.11.0 OS/(x64-Linux-5.15.0-1053-azure)',
        'azsdk-js-identity/4.2.0 core-rest-pipeline/1.15.2 Node/v20.12.2 OS/(x64-Linux-6.5.0-1018-azure)',
      ],
      ['PowerShell/7.4', 'PowerShell/7.4.2'],
    ] as const;
    for (const [before, after] of pairs) {
      assert.equal(parseUserAgent(before)?.key, parseUserAgent(after)?.key, `${before} → ${after}`);
    }
  });

  it('tells a major upgrade and another product apart from the familiar version', () => {
    const familiar = parseUserAgent('azsdk-python-identity/1.15.0 Python/3.11.4 (Linux)');
    const major = parseUserAgent('azsdk-python-identity/2.0.0 Python/3.12.1 (Linux)');
    const other = parseUserAgent('python-requests/2.31.0');
    assert.equal(major?.product, familiar?.product);
    assert.notEqual(major?.key, familiar?.key);
    assert.notEqual(other?.product, familiar?.product);
  });

  it('has nothing to say about an empty user agent', () => {
    assert.equal(parseUserAgent(''), null);
    assert.equal(parseUserAgent('   '), null);
    assert.equal(parseUserAgent('/1.0'), null);
  });

  it('cuts an oversized product name, since it becomes a stored baseline value', () => {
    const parsed = parseUserAgent(`${'x'.repeat(5000)}/1.0`);
    assert.equal(parsed?.product.length, 64);
    assert.equal(parsed?.major, '1');
  });
});
