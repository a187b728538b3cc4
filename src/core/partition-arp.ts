/**
 * What the partition fault adds to arptables, defined once for the heal (src/runtime) and
 * for `down --inventory` (src/provision). arptables rules carry no comment, and a user's host
 * may hold arptables rules of its own, so nothing here flushes: one unconditional DROP per
 * chain is the partition's (appended last), and the two ACCEPTs that exempt the operator's
 * session are named in a tmpfs file (gone on a reboot, like the rules themselves).
 */
export const ARP_EXEMPTION_FILE = '/run/ha-lab-partition-arp';

/** Shell lines (bash or sh) that add the partition's DROPs, after any exemption. */
export const ADD_PARTITION_ARP_DROPS = `arptables -A INPUT -j DROP
arptables -A OUTPUT -j DROP`;

/** Shell lines that add the exemption for `$hop` and `$host` and record them for the heal. */
export const ADD_PARTITION_ARP_EXEMPTION = `arptables -I INPUT -s "$hop" -d "$host" -j ACCEPT
arptables -I OUTPUT -s "$host" -d "$hop" -j ACCEPT
echo "$hop $host" > ${ARP_EXEMPTION_FILE}`;

/** Shell lines that delete exactly the rules above; safe when none is there. */
export const REMOVE_PARTITION_ARP = `if [ -f ${ARP_EXEMPTION_FILE} ]; then
  read -r hop host < ${ARP_EXEMPTION_FILE}
  arptables -D INPUT -s "$hop" -d "$host" -j ACCEPT 2>/dev/null || true
  arptables -D OUTPUT -s "$host" -d "$hop" -j ACCEPT 2>/dev/null || true
  rm -f ${ARP_EXEMPTION_FILE}
fi
arptables -D INPUT -j DROP 2>/dev/null || true
arptables -D OUTPUT -j DROP 2>/dev/null || true`;
