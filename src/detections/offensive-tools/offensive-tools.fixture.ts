// User agents of workload sign-ins: those of offensive tools as they arrive when the operator leaves
// the tool's own agent in place, and the everyday agents of SDKs, CLIs and scripts that must never
// be mistaken for one (including near misses: words that contain a tool's name).

/** A user agent that names a tool, with the tool it names. */
export interface ToolAgentFixture {
  name: string;
  userAgent: string;
  tool: string;
}

/** User agents that name an offensive tool. */
export const positiveFixtures: ToolAgentFixture[] = [
  { name: 'AzureHound collecting with a stolen secret', userAgent: 'azurehound/v2.1.7', tool: 'azurehound' },
  {
    name: 'TeamFiltration’s fixed Teams 1.3 desktop agent',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Teams/1.3.00.30866 Chrome/80.0.3987.165 Electron/8.5.1 Safari/537.36',
    tool: 'teamfiltration',
  },
  {
    name: 'roadtx with its own product token',
    userAgent: 'roadtx/1.6.1 python-requests/2.31.0',
    tool: 'roadtools',
  },
  { name: 'roadrecon gathering', userAgent: 'ROADrecon/1.7 Python/3.11 aiohttp/3.9.5', tool: 'roadtools' },
  {
    name: 'AADInternals named in a PowerShell agent’s comment',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.22631; en-US; AADInternals) PowerShell/7.4.1',
    tool: 'aadinternals',
  },
  { name: 'TokenTacticsV2 written with a hyphen', userAgent: 'TokenTactics-V2/0.2.11', tool: 'tokentactics' },
  { name: 'GraphRunner', userAgent: 'GraphRunner/1.0 (Invoke-GraphRecon)', tool: 'graphrunner' },
  { name: 'GraphSpy', userAgent: 'GraphSpy/1.5.0', tool: 'graphspy' },
  { name: 'TREVORspray', userAgent: 'python-requests/2.32.3 TREVORspray/2.2.0', tool: 'trevorspray' },
  { name: 'o365spray in lower case', userAgent: 'o365spray/3.0.4', tool: 'o365spray' },
  { name: 'MSOLSpray upper-cased', userAgent: 'MSOLSPRAY', tool: 'msolspray' },
  {
    name: 'MicroBurst',
    userAgent: 'Mozilla/5.0 (compatible; MicroBurst) WindowsPowerShell/5.1.22621.2506',
    tool: 'microburst',
  },
  { name: 'BARK', userAgent: 'BARK/1.0 PowerShell/7.4.1', tool: 'bark' },
];

/** Everyday user agents of workloads, and near misses: none names a tool. */
export const negativeFixtures: { name: string; userAgent: string }[] = [
  {
    name: 'the Azure SDK for Python',
    userAgent: 'azsdk-python-identity/1.15.0 Python/3.11.4 (Linux-5.15.0-1052-azure-x86_64-with-glibc2.35)',
  },
  {
    name: 'the Azure SDK for Java',
    userAgent: 'Azure-SDK-For-Java/1.12.2 (azure-identity; 17.0.10; Linux; 5.15.0-1057-azure)',
  },
  {
    name: 'the Azure SDK for .NET',
    userAgent: 'azsdk-net-Identity/1.11.4 (.NET 8.0.6; Microsoft Windows 10.0.20348)',
  },
  { name: 'MSAL.NET', userAgent: 'MSAL.NET/4.61.3 (.NET 8.0.6; Linux)' },
  { name: 'MSAL for Python', userAgent: 'MSAL.Python/1.28.0 python-requests/2.31.0' },
  { name: 'python-requests', userAgent: 'python-requests/2.31.0' },
  { name: 'curl', userAgent: 'curl/8.5.0' },
  { name: 'a Go service', userAgent: 'Go-http-client/1.1' },
  {
    name: 'PowerShell 7',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.20348; en-US) PowerShell/7.4.1',
  },
  {
    name: 'the Azure CLI',
    userAgent:
      'AZURECLI/2.61.0 (DEB) azsdk-python-core/1.30.1 Python/3.11.8 (Linux-6.5.0-1022-azure-x86_64-with-glibc2.35)',
  },
  {
    name: 'a Teams desktop client of today',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Teams/24215.1007.3082.1590 Chrome/120.0.6099.291 Electron/28.2.10 Safari/537.36',
  },
  { name: 'a logistics app whose name contains road', userAgent: 'RoadRunner-Dispatch/3.4.0 okhttp/4.12.0' },
  {
    name: 'an internal service whose name contains graph-runner',
    userAgent: 'graph-runner-service/2.0.1 node-fetch/3.3.2',
  },
  { name: 'a word containing bark', userAgent: 'Embarkation-Sync/1.2 (contoso)' },
];
