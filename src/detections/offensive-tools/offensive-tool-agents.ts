// Offensive tools for Entra ID and Azure that can name themselves in the User-Agent of the sign-ins
// they make, by default or when their operator leaves a self-identifying value in place.
//
// Sources: each tool's own repository (the `reference` of its entry); the Sigma rule "Discovery Using
// AzureHound" (signinlogs, userAgent contains `azurehound`) and Elastic's "BloodHound Suite
// User-Agents Detected" (`(azure|sharp|blood)hound/`); Elastic's "TeamFiltration User-Agents
// Detected" and Proofpoint's UNK_SneakyStrike report for TeamFiltration's fixed Teams 1.3.00.30866 /
// Electron 8.5.1 agent; mthcht/awesome-lists `suspicious_http_user_agents_list.csv` (credential
// access and reconnaissance tools).
//
// Generic HTTP clients (python-requests, aiohttp, curl, Go-http-client, node-fetch) are deliberately
// absent: workloads use them every day, and the suspicious sign-in detection already weighs a user
// agent new to the principal.

/** An offensive tool and how its user agent names it. */
export interface OffensiveToolAgent {
  /** Stable identifier, part of detection keys. */
  id: string;
  /** The tool's name as its authors write it. */
  name: string;
  /** What operators use it for, in a few words. */
  purpose: string;
  /**
   * Words that name the tool in a user agent, as a product (`azurehound/v2.1.0`) or anywhere in a
   * comment. Compared whole, case-insensitively, ignoring `-` and `_`.
   */
  names: readonly string[];
  /** Product tokens (`name/version`) that together are a fixed user agent the tool sends. */
  products?: readonly string[];
  /** Where the tool is published. */
  reference: string;
}

/** The tools the detection looks for. */
export const OFFENSIVE_TOOL_AGENTS: readonly OffensiveToolAgent[] = [
  {
    id: 'roadtools',
    name: 'ROADtools',
    purpose: 'Entra ID token exchange and directory enumeration (roadtx, roadrecon)',
    names: ['roadtools', 'roadtx', 'roadrecon', 'roadlib'],
    reference: 'https://github.com/dirkjanm/ROADtools',
  },
  {
    id: 'aadinternals',
    name: 'AADInternals',
    purpose: 'Entra ID administration and attack toolkit',
    names: ['aadinternals'],
    reference: 'https://github.com/Gerenios/AADInternals',
  },
  {
    id: 'tokentactics',
    name: 'TokenTactics',
    purpose: 'token theft and refresh-token abuse',
    names: ['tokentactics', 'tokentacticsv2'],
    reference: 'https://github.com/f-bader/TokenTacticsV2',
  },
  {
    id: 'graphrunner',
    name: 'GraphRunner',
    purpose: 'post-exploitation through Microsoft Graph',
    names: ['graphrunner'],
    reference: 'https://github.com/dafthack/GraphRunner',
  },
  {
    id: 'graphspy',
    name: 'GraphSpy',
    purpose: 'post-exploitation through Microsoft Graph with stolen tokens',
    names: ['graphspy'],
    reference: 'https://github.com/RedByte1337/GraphSpy',
  },
  {
    id: 'graphpython',
    name: 'Graphpython',
    purpose: 'post-exploitation through Microsoft Graph',
    names: ['graphpython'],
    reference: 'https://github.com/mlcsec/Graphpython',
  },
  {
    id: 'azurehound',
    name: 'AzureHound',
    purpose: 'attack-path collection for BloodHound',
    names: ['azurehound', 'sharphound', 'bloodhound'],
    reference: 'https://github.com/SpecterOps/AzureHound',
  },
  {
    id: 'bark',
    name: 'BARK',
    purpose: 'BloodHound Attack Research Kit: Entra ID and Azure abuse',
    names: ['bark'],
    reference: 'https://github.com/BloodHoundAD/BARK',
  },
  {
    id: 'microburst',
    name: 'MicroBurst',
    purpose: 'Azure enumeration and credential harvesting',
    names: ['microburst'],
    reference: 'https://github.com/NetSPI/MicroBurst',
  },
  {
    id: 'powerzure',
    name: 'PowerZure',
    purpose: 'Azure enumeration and exploitation',
    names: ['powerzure'],
    reference: 'https://github.com/hausec/PowerZure',
  },
  {
    id: 'stormspotter',
    name: 'Stormspotter',
    purpose: 'Azure attack graph collection',
    names: ['stormspotter'],
    reference: 'https://github.com/Azure/Stormspotter',
  },
  {
    id: 'entrafalcon',
    name: 'EntraFalcon',
    purpose: 'Entra ID enumeration',
    names: ['entrafalcon'],
    reference: 'https://github.com/CompassSecurity/EntraFalcon',
  },
  {
    id: 'msolspray',
    name: 'MSOLSpray',
    purpose: 'password spraying against Entra ID',
    names: ['msolspray'],
    reference: 'https://github.com/dafthack/MSOLSpray',
  },
  {
    id: 'o365spray',
    name: 'o365spray',
    purpose: 'username enumeration and password spraying against Microsoft 365',
    names: ['o365spray'],
    reference: 'https://github.com/0xZDH/o365spray',
  },
  {
    id: 'spray365',
    name: 'Spray365',
    purpose: 'password spraying against Entra ID',
    names: ['spray365'],
    reference: 'https://github.com/MarkoH17/Spray365',
  },
  {
    id: 'trevorspray',
    name: 'TREVORspray',
    purpose: 'password spraying through rotating proxies',
    names: ['trevorspray'],
    reference: 'https://github.com/blacklanternsecurity/TREVORspray',
  },
  {
    id: 'credmaster',
    name: 'CredMaster',
    purpose: 'password spraying through rotating cloud gateways',
    names: ['credmaster'],
    reference: 'https://github.com/knavesec/CredMaster',
  },
  {
    id: 'mfasweep',
    name: 'MFASweep',
    purpose: 'finding Microsoft services that accept a password without MFA',
    names: ['mfasweep'],
    reference: 'https://github.com/dafthack/MFASweep',
  },
  {
    id: 'teamfiltration',
    name: 'TeamFiltration',
    purpose: 'enumeration, password spraying and exfiltration against Microsoft 365',
    names: ['teamfiltration'],
    // Its hard-coded agent: a 2020 Teams desktop client that no workload identity sends.
    products: ['Teams/1.3.00.30866', 'Electron/8.5.1'],
    reference: 'https://github.com/Flangvik/TeamFiltration',
  },
];
