/**
 * known-location v3 — the mission's example: a brute-force alert where the source IP is one of the
 * user's usual successful login locations over the last 90 days and the reputation providers call it
 * clean is benign: the user most likely forgot the password.
 *
 * "Usual" is deliberately strict: among the top 3 locations, with at least 3 logins and at least 10 % of
 * the user's logins — so an attacker's single successful login from a new IP (the compromise) never
 * makes that IP "usual". "Clean" needs a VirusTotal answer: no answer, no auto-close. A second opinion
 * (AbuseIPDB, GreyNoise) that is configured but still queued behind its rate budget is waited for: the
 * ticket goes out and the rules look again when it lands (rate budgets run out in storms, exactly when a
 * second opinion matters). One that failed for good is no veto: those are optional extras.
 *
 * v2: one user only. A spray from a shared office or VPN egress IP names many users, and that IP being one
 * user's usual location says nothing about the others (v1 closed it as that user's forgotten password).
 * v3: two accounts that share a name in different domains or AWS accounts (`admin@acme.io`,
 * `admin@acme-dev.io`) are two users (v2 counted people by the name's last segment alone).
 */
import { distinctPeople, distinctPeopleByLastSegment, primaryIp, primaryUser } from '../../domain/alert';
import { noMatch, type AutoCloseRule, type RuleResult } from '../rule';

export const KNOWN_LOCATION_THRESHOLDS = { maxRank: 3, minLogins: 3, minShare: 0.1, maxAbuseScore: 25 } as const;

export const knownLocation: AutoCloseRule = {
  id: 'known-location',
  version: 3,
  description: "Brute force from the user's usual login location, and the IP is clean → benign (forgot password)",
  evaluate({ alert, playbook, enrichments: e, compat }): RuleResult {
    const t = KNOWN_LOCATION_THRESHOLDS;
    if (playbook !== 'bruteForce') return noMatch('not a brute-force alert');
    const ip = primaryIp(alert);
    if (!ip) return noMatch('the alert has no IP');
    // One source IP only: with several, an attacker's could hide behind the user's usual one.
    if (alert.ips.length > 1) return noMatch(`the alert names ${alert.ips.length} IPs`);
    const people = compat?.peopleByLastSegment ? distinctPeopleByLastSegment(alert) : distinctPeople(alert);
    if (people > 1 && !compat?.severalUsersAllowed) return noMatch(`the alert names ${people} users: a spray, not one user's forgotten password`);
    if (e.loginLocations?.status !== 'ok') return noMatch('the user\'s login locations are not known');
    if (e.ipReputation?.status !== 'ok') return noMatch('no VirusTotal answer: cannot tell that the IP is clean');
    const locations = e.loginLocations.data;
    if (locations.user.toLowerCase() !== (primaryUser(alert) ?? '').toLowerCase()) {
      return noMatch('the login history is not the alert user\'s');
    }
    const rank = locations.locations.findIndex((l) => l.ip === ip) + 1;
    const location = locations.locations[rank - 1];
    if (!location || rank > t.maxRank) return noMatch(`the IP is not among the user's top ${t.maxRank} login locations`);
    const share = locations.totalLogins > 0 ? location.count / locations.totalLogins : 0;
    if (location.count < t.minLogins || share < t.minShare) {
      return noMatch(`the IP has only ${location.count} of ${locations.totalLogins} logins: not a usual location`);
    }
    const vt = e.ipReputation.data;
    if (!vt.found) return noMatch('VirusTotal has no record of the IP: cannot tell that it is clean');
    // VirusTotal answers most unknown IPs with a record whose stats are all zero: no engine vouched for it.
    if (vt.engines === 0 && !compat?.unanalysedIpIsClean) return noMatch('no VirusTotal engine has analysed the IP: cannot tell that it is clean');
    if (vt.malicious > 0 || vt.suspicious > 0) return noMatch(`VirusTotal flags the IP (${vt.malicious} malicious, ${vt.suspicious} suspicious)`);
    if (!compat?.pendingSecondOpinionIgnored) {
      if (e.abuseIpdb?.status === 'pending') return noMatch('AbuseIPDB has not answered yet (queued behind its rate budget)');
      if (e.greyNoise?.status === 'pending') return noMatch('GreyNoise has not answered yet (queued behind its rate budget)');
    }
    if (e.abuseIpdb?.status === 'ok' && e.abuseIpdb.data.abuseConfidenceScore > t.maxAbuseScore) {
      return noMatch(`AbuseIPDB confidence ${e.abuseIpdb.data.abuseConfidenceScore}%`);
    }
    if (e.greyNoise?.status === 'ok' && e.greyNoise.data.classification === 'malicious') return noMatch('GreyNoise classifies the IP as malicious');
    return {
      match: true,
      verdict: {
        ruleId: this.id,
        // A run that decided on v1 or v2 (it replays with compat) keeps that decision's version.
        ruleVersion: compat?.severalUsersAllowed ? 1 : compat?.peopleByLastSegment ? 2 : this.version,
        disposition: 'benign',
        reason:
          `the IP is the user's #${rank} login location (${location.count} of ${locations.totalLogins} logins in ${locations.days} days) ` +
          `and VirusTotal reports it clean: the user most likely forgot the password`,
        facts: {
          ip,
          user: locations.user,
          rank,
          logins: location.count,
          totalLogins: locations.totalLogins,
          share: Math.round(share * 100) / 100,
          vtMalicious: vt.malicious,
          vtSuspicious: vt.suspicious,
          vtEngines: vt.engines,
        },
      },
    };
  },
};
