"""corpus.py: the scored redaction corpus of `make redact-score`.

Builds, from a fixed seed and made-up values only, a session log of
labelled secrets and of look-alikes that must pass untouched, over every
kind sl-redact knows: keys and tokens by their documented shapes (with
valid checksums where the format has one), passwords on command lines and
by position (SQL, redis, Windows...), structured output where the key
says nothing (Secrets Manager, SSM, terraform, kubectl...), base64-wrapped
secrets, private keys (printed, and typed through a here-document), and
passwords typed at the shell after a failed prompt.

Each item is a few lines; each line is a list of segments, plain text or
a Secret.  Contexts vary systematically: prompts of bash, zsh, sh,
PowerShell and SQL clients, quoting, separators, case, position in the
line, line noise (colours, titles, bracketed paste, CR) around the line.

The same person wrote these generators and the rules, so the corpus
proves less than an independent one would: it guards what was fixed.
Python 3 standard library only.
"""

import base64
import json
import random
import string
import zlib

SEED = 14


class Secret:
    def __init__(self, kind, value):
        self.kind = kind
        self.value = value


ALNUM = string.ascii_letters + string.digits
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
HEX = "0123456789abcdef"
UPPER32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
BECH32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"

WORDS = ("tulip orbit maple cedar quartz harbor falcon ember willow canyon "
         "copper violet lantern meadow glacier summit pepper jasmine raven "
         "thistle cobalt saffron marble hollow birch ginger nimbus onyx "
         "sparrow tundra velvet zephyr").split()


class Gen:
    def __init__(self, seed=SEED):
        self.r = random.Random(seed)

    # ------------------------------------------------------------ values
    def s(self, alphabet, n):
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def pick(self, seq):
        return self.r.choice(seq)

    def word(self):
        return self.pick(WORDS)

    def password(self, symbols=True):
        """A made-up password: words, digits, maybe a symbol."""
        style = self.r.randrange(5)
        if style == 0:
            p = "%s-%s-%d" % (self.word().capitalize(), self.word(),
                              self.r.randrange(10, 99))
        elif style == 1:
            p = self.s(ALNUM, self.r.randrange(10, 18))
        elif style == 2:
            p = "%s%d%s" % (self.word().capitalize(), self.r.randrange(100, 9999),
                            self.pick("!#%@^*") if symbols else "Q")
        elif style == 3:
            p = self.s(string.ascii_lowercase + string.digits, 8) + \
                self.s(string.ascii_uppercase, 2) + str(self.r.randrange(10))
        else:
            p = "%s.%s_%d" % (self.word(), self.word().upper(),
                              self.r.randrange(1000))
        # At least one digit and one letter: a password, not a word.
        if not any(c.isdigit() for c in p):
            p += str(self.r.randrange(10))
        return p

    def b64(self, nbytes):
        return base64.b64encode(bytes(self.r.randrange(256)
                                      for _ in range(nbytes))).decode()

    def user(self):
        return self.pick(["admin", "alice", "bob", "deploy", "svc_app",
                          "root", "carol", "ci-bot", "dbadmin", "ops"])

    def host(self):
        return self.pick(["db01.internal", "10.0.3.14", "pg.example.net",
                          "cache-2.corp.local", "localhost", "mq.example.org",
                          "172.16.4.20", "srv02"])

    # ------------------------------------------------------------ context
    def prompt(self, shell="sh"):
        if shell == "ps":
            return self.pick(["PS C:\\Users\\Administrator> ", "PS C:\\> ",
                              "PS D:\\deploy> ", "PS /home/ssm-user> "])
        if shell == "cmd":
            return self.pick(["C:\\Windows\\system32>", "C:\\>"])
        return self.pick(["sh-5.2$ ", "[ec2-user@ip-10-0-1-5 ~]$ ",
                          "root@ip-172-31-9-4:~# ", "ubuntu@web-1:/srv$ ",
                          "% ", "bash-4.2$ ", "$ ",
                          "[ssm-user@ip-10-20-3-14 app]$ "])

    def q(self, value, shell=True):
        """The value quoted one of the ways a shell allows."""
        k = self.r.randrange(3)
        if k == 0 and all(c not in value for c in "!$&;|<>()'\"` \\*?#~"):
            return ["", value, ""]
        if k == 1 and "'" not in value:
            return ["'", value, "'"]
        if '"' not in value and "$" not in value and "`" not in value and \
                "!" not in value and "\\" not in value:
            return ['"', value, '"']
        return ["'", value, "'"]

    def noise(self, line):
        """Line noise around a line, never inside a secret."""
        k = self.r.randrange(8)
        if k == 0:
            return ["\x1b[32m"] + line + ["\x1b[0m"]
        if k == 1:
            return ["\x1b]0;ec2-user@ip-10-0-1-5:~\x07"] + line
        if k == 2:
            return ["\x1b[?2004l\r"] + line
        if k == 3:
            return line + ["\r"]
        if k == 4:
            return ["\x1b[1m"] + line + ["\x1b[m"]
        return line


def crc32_b62(data):
    """GitHub's and npm's token checksum: CRC32, base62, 6 digits."""
    v = zlib.crc32(data.encode()) & 0xffffffff
    out = ""
    while v:
        v, d = divmod(v, 62)
        out = B62[d] + out
    return out.rjust(6, "0")


# ------------------------------------------------------------------ tokens

def tok_github(g):
    body = g.s(ALNUM, 30)
    return g.pick(["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]) + body + \
        crc32_b62(body)


def tok_npm(g):
    body = g.s(ALNUM, 30)
    return "npm_" + body + crc32_b62(body)


def tok_pypi(g):
    # A macaroon: "pypi-" + base64url of its binary form, which starts
    # with the version and the location "pypi.org" (AgEIcHlwaS5vcmc).
    return "pypi-AgEIcHlwaS5vcmc" + g.s(B64URL, g.r.randrange(60, 160))


TOKENS = {
    "github-token": tok_github,
    "npm-token": tok_npm,
    "pypi-token": tok_pypi,
    "gitlab-token": lambda g: "glpat-" + g.s(B64URL, 20),
    "slack-token": lambda g: g.pick([
        "xoxb-%d-%d-%s" % (g.r.randrange(10**10, 10**11),
                           g.r.randrange(10**10, 10**11), g.s(ALNUM, 24)),
        "xapp-1-A%s-%d-%s" % (g.s(UPPER32[:26] + "0123456789", 10),
                              g.r.randrange(10**12, 10**13), g.s(HEX, 64))]),
    "stripe-key": lambda g: g.pick(["sk_live_", "rk_live_"]) + g.s(ALNUM, 24),
    "google-api-key": lambda g: "AIza" + g.s(B64URL, 35),
    "sendgrid-key": lambda g: "SG." + g.s(B64URL, 22) + "." + g.s(B64URL, 43),
    "vault-token": lambda g: g.pick([
        "hvs." + g.s(ALNUM, 24),
        "hvs.CAESI" + g.s(B64URL, 86),
        "hvb.AAAAAQ" + g.s(B64URL, 130)]),
    "docker-token": lambda g: "dckr_pat_" + g.s(B64URL, 27),
    "huggingface-token": lambda g: "hf_" + g.s(string.ascii_letters, 34),
    "shopify-token": lambda g: g.pick(["shpat_", "shpca_", "shppa_", "shpss_"])
    + g.s(HEX, 32),
    "linear-key": lambda g: "lin_api_" + g.s(ALNUM, 40),
    "age-secret-key": lambda g: "AGE-SECRET-KEY-1" + g.s(BECH32, 58),
    "grafana-token": lambda g: g.pick([
        "glsa_" + g.s(ALNUM, 32) + "_" + g.s(HEX, 8),
        "glc_" + g.s(ALNUM, 60) + "=="]),
    "digitalocean-token": lambda g: g.pick(["dop_v1_", "doo_v1_", "dor_v1_"])
    + g.s(HEX, 64),
    "google-oauth-token": lambda g: "ya29." + g.s(B64URL, g.r.randrange(60, 180)),
    "heroku-key": lambda g: "HRKU-AA" + g.s(B64URL, 58),
    "twilio-key": lambda g: "SK" + g.s(HEX, 32),
    "telegram-bot-token": lambda g: "%d:AA%s" % (g.r.randrange(10**8, 10**10),
                                                 g.s(B64URL, 33)),
    "rubygems-key": lambda g: "rubygems_" + g.s(HEX, 48),
    "alibaba-access-key": lambda g: "LTAI" + g.s(ALNUM, 20),
    "azure-client-secret": lambda g: g.s(ALNUM, 3) + str(g.r.randrange(10))
    + "Q~" + g.s(ALNUM + "_~.-", 34),
    "openai-key": lambda g: "sk-proj-" + g.s(B64URL, 48) + "T3BlbkFJ" +
    g.s(B64URL, 24),
    "anthropic-key": lambda g: "sk-ant-api03-" + g.s(B64URL, 93) + "AA",
    "jwt": lambda g: "eyJhbGciOiJIUzI1NiJ9." + "eyJ" + g.s(B64URL, 40) + "." +
    g.s(B64URL, 43),
    "aws-access-key-id": lambda g: g.pick(["AKIA", "ASIA"]) + g.s(UPPER32, 16),
}

# Where a token shows in a session: an assignment, an option, a header,
# a config file, a JSON document, a PowerShell variable, bare.
TOKEN_CONTEXTS = [
    lambda g, t: [g.prompt(), "export %s=" % g.pick(["TOKEN", "API_KEY",
                                                      "MY_CRED", "X"])] +
    g.q(t),
    lambda g, t: [g.prompt(), "curl -sS -H 'X-Trace: 1' https://api.example.com/v1 "
                  "-H \"Auth: ", t, "\""],
    lambda g, t: ["  key = \"", t, "\""],
    lambda g, t: ["{\"name\":\"ci\",\"cred\":\"", t, "\",\"n\":3}"],
    lambda g, t: [g.prompt("ps"), "$env:SVC_CRED = '", t, "'"],
    lambda g, t: [t],
    lambda g, t: ["cred: ", t, " (rotated)"],
    lambda g, t: [g.prompt(), "echo ", t, " | wc -c"],
]


def gen_tokens(g, out, per):
    for kind, fn in TOKENS.items():
        for i in range(per):
            t = fn(g)
            ctx = TOKEN_CONTEXTS[i % len(TOKEN_CONTEXTS)]
            parts = ctx(g, t)
            line = []
            for p in parts:
                line.append(Secret(kind, p) if p == t else p)
            out.append((kind, [g.noise(line)]))


# ---------------------------------------------------------- by position

def pw_lines(g):
    """(kind, line segments) of passwords that only their place shows."""
    P = g.password
    u, h = g.user(), g.host()
    sq = lambda s: g.pick([s.upper(), s.lower(), s])
    items = []

    def add(kind, *segs):
        items.append((kind, list(segs)))

    p = P(); add("cli-password", g.pick(["mysql> ", "MariaDB [(none)]> ", ""]),
                 sq("CREATE USER") + " '%s'@'%%' " % u + sq("IDENTIFIED BY") +
                 " '", Secret("cli-password", p), "';")
    p = P(); add("cli-password", "mysql> ", sq("GRANT ALL ON") + " app.* TO '%s'@'localhost' "
                 % u + sq("identified by") + " '", Secret("cli-password", p), "';")
    p = P(); add("cli-password", g.pick(["postgres=# ", "app=> ", ""]),
                 sq("ALTER USER") + " %s " % u + sq("WITH PASSWORD") + " '",
                 Secret("cli-password", p), "';")
    p = P(); add("cli-password", "postgres=# ", sq("ALTER ROLE") + " %s " % u +
                 sq("PASSWORD") + " '", Secret("cli-password", p), "' VALID UNTIL 'infinity';")
    p = P(); add("cli-password", "postgres=# ", sq("CREATE ROLE") + " %s " % u +
                 sq("LOGIN PASSWORD") + " '", Secret("cli-password", p), "';")
    p = P(); add("cli-password", "mysql> ", sq("SET PASSWORD FOR") + " '%s'@'%%' = " % u +
                 sq("PASSWORD") + "('", Secret("cli-password", p), "');")
    p = P(); add("cli-password", "SQL> ", sq("alter user") + " %s " % u +
                 sq("identified by") + " \"", Secret("cli-password", p), "\";")
    p = P(); add("cli-password", g.prompt(), "mysqladmin -u root password '",
                 Secret("cli-password", p), "'")
    p = P(False); add("cli-password", g.prompt(), "sudo rabbitmqctl add_user %s " % u,
                      Secret("cli-password", p))
    p = P(False); add("cli-password", g.prompt(), "rabbitmqctl change_password %s '" % u,
                      Secret("cli-password", p), "'")
    p = P(); add("cli-password", g.prompt(), "openssl passwd -6 '",
                 Secret("cli-password", p), "'")
    p = P(False); add("cli-password", g.prompt(), "openssl passwd -1 ",
                      Secret("cli-password", p))
    p = P(); add("cli-password", g.prompt(), "ssh-keygen -t ed25519 -f ~/.ssh/deploy -N '",
                 Secret("cli-password", p), "' -C ci")
    p = P(); add("cli-password", g.prompt(), "ssh-keygen -p -f id_rsa -P '",
                 Secret("cli-password", p), "' -N ''")
    p = P(False); add("cli-password", g.prompt(), "az login -u %s@corp.example.com -p " % u,
                      Secret("cli-password", p))
    sk = g.s(ALNUM, 40)
    add("cli-password", g.prompt(), "mc alias set minio http://%s:9000 %s " % (h, g.s(UPPER32[:26], 20)),
        Secret("cli-password", sk))
    p = P(False); add("cli-password", g.prompt(), "redis-cli -h %s -a " % h,
                      Secret("cli-password", p), " ping")
    p = P(False); add("cli-password", "%s:6379> " % h, g.pick(["AUTH ", "auth "]),
                      Secret("cli-password", p))
    p = P(False); add("cli-password", "127.0.0.1:6379> ", sq("CONFIG SET") + " requirepass ",
                      Secret("cli-password", p))
    p = P(False); add("cli-password", g.pick(["requirepass ", "masterauth "]),
                      Secret("cli-password", p))
    p = P(False); add("cli-password", "%s:5432:app:%s:" % (h, u), Secret("cli-password", p))
    p = P(False); add("cli-password", "machine %s login %s password " % (h, u),
                      Secret("cli-password", p))
    p = P(False); add("cli-password", "    <password>", Secret("cli-password", p),
                      "</password>")
    p = P(False); add("cli-password", "Driver={ODBC Driver 18 for SQL Server};Server=%s;"
                      "Uid=%s;" % (h, u) + g.pick(["Pwd=", "PWD="]),
                      Secret("cli-password", p), ";Encrypt=yes")
    k = g.b64(64)
    add("cli-password", "DefaultEndpointsProtocol=https;AccountName=stapp%d;AccountKey="
        % g.r.randrange(100), Secret("cli-password", k), ";EndpointSuffix=core.windows.net")
    k = g.b64(32)
    add("cli-password", "Endpoint=sb://ns%d.servicebus.windows.net/;SharedAccessKeyName="
        "RootManageSharedAccessKey;SharedAccessKey=" % g.r.randrange(100),
        Secret("cli-password", k))
    p = P(False); add("cli-password", g.prompt(), "SSHPASS=", Secret("cli-password", p),
                      " sshpass -e ssh %s@%s" % (u, h))
    p = P(False); add("cli-password", g.prompt(), "sudo -S true <<< '",
                      Secret("cli-password", p), "'")
    p = P(False)
    add("cli-password", g.prompt(), "printf '", Secret("cli-password", p), "\\n",
        Secret("cli-password", p), "\\n' | sudo passwd %s" % u)
    p = P(False); add("cli-password", g.prompt(), "echo ", Secret("cli-password", p),
                      " | docker login -u %s --password-stdin registry.example.com" % u)
    p = P(False); add("cli-password", g.prompt(), "echo '", Secret("cli-password", p),
                      "' | helm registry login ghcr.io -u %s --password-stdin" % u)
    p = P(False); add("windows-password", g.prompt("ps"), "reg add \"HKLM\\SOFTWARE\\Microsoft\\"
                      "Windows NT\\CurrentVersion\\Winlogon\" /v DefaultPassword /t REG_SZ /d ",
                      Secret("windows-password", p), " /f")
    p = P(False); add("windows-password", g.prompt("ps"), "$pw = '", Secret("windows-password", p),
                      "' | ConvertTo-SecureString -AsPlainText -Force")
    p = P(False); add("windows-password", g.prompt("ps"), "$sec = \"",
                      Secret("windows-password", p), "\" | ConvertTo-SecureString -AsPlainText -Force")
    p = P(False); add("windows-password", g.prompt("ps"), "Invoke-Sqlcmd -ServerInstance %s "
                      "-Username sa -Password '" % h, Secret("windows-password", p), "' -Query 'select 1'")
    p = P(False); add("windows-password", g.prompt("cmd"), "sqlcmd -S %s -U sa -P " % h,
                      Secret("windows-password", p), " -Q \"select 1\"")
    k = g.b64(32)
    add("vault-unseal-key", "Unseal Key %d: " % g.r.randrange(1, 6), Secret("vault-unseal-key", k))
    t = "hvs." + g.s(ALNUM, 24)
    add("vault-token", "token                " + "", Secret("vault-token", t))
    t = "hvs." + g.s(ALNUM, 24)
    add("vault-token", "Initial Root Token: ", Secret("vault-token", t))
    u2 = "https://x-access-token:"
    t = tok_github(g)
    add("github-token", g.prompt(), "git clone ", u2, Secret("github-token", t),
        "@github.com/org/repo.git")
    p = P(False); add("url-credentials", g.prompt(), "git remote set-url origin https://"
                      "x-access-token:", Secret("url-credentials", p), "@github.com/org/app.git")
    return items


def gen_positions(g, out, rounds):
    for _ in range(rounds):
        for kind, segs in pw_lines(g):
            out.append((kind, [g.noise(segs)]))


# ------------------------------------------------- structured output

def gen_structured(g, out, rounds):
    for i in range(rounds):
        ind = g.pick(["", "    "])
        # Secrets Manager: plain, or JSON escaped inside the string.
        if i % 2:
            v = g.password()
        else:
            v = json.dumps({"username": g.user(), "password": g.password(),
                            "host": g.host()}, separators=(",", ":"))
        esc = json.dumps(v)[1:-1]
        out.append(("cloud-secret", [
            [g.prompt(), "aws secretsmanager get-secret-value --secret-id prod/app"],
            ["{"],
            ["    \"ARN\": \"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app-%s\","
             % g.s(ALNUM, 6)],
            ["    \"Name\": \"prod/app\","],
            ["    \"SecretString\": \"", Secret("cloud-secret", esc), "\","],
            ["    \"VersionStages\": ["],
            ["        \"AWSCURRENT\""],
            ["    ],"],
            ["}"]]))
        # SSM, decrypted.
        v = g.password()
        out.append(("cloud-secret", [
            [g.prompt(), "aws ssm get-parameter --name /prod/db/pw --with-decryption"],
            ["{"],
            ["    \"Parameter\": {"],
            ["        \"Name\": \"/prod/db/%s\"," % g.pick(["pw", "api", "conn"])],
            ["        \"Type\": \"SecureString\","],
            ["        \"Value\": \"", Secret("cloud-secret", v), "\","],
            ["        \"Version\": %d," % g.r.randrange(1, 9)],
            ["        \"DataType\": \"text\""],
            ["    }"],
            ["}"]]))
        # ec2 get-password-data
        v = g.b64(256)
        out.append(("cloud-secret", [
            [g.prompt(), "aws ec2 get-password-data --instance-id i-0%s" % g.s(HEX, 16)],
            ["{"],
            ["    \"InstanceId\": \"i-0%s\"," % g.s(HEX, 16)],
            ["    \"PasswordData\": \"", Secret("cloud-secret", v), "\","],
            ["    \"Timestamp\": \"2024-05-01T12:00:00+00:00\""],
            ["}"]]))
        # az storage account keys list
        k1, k2 = g.b64(64), g.b64(64)
        out.append(("cloud-secret", [
            [g.prompt(), "az storage account keys list -g rg-app -n stapp%d" % i],
            ["["],
            ["  {"],
            ["    \"creationTime\": \"2024-05-01T12:00:00.000000+00:00\","],
            ["    \"keyName\": \"key1\","],
            ["    \"permissions\": \"FULL\","],
            ["    \"value\": \"", Secret("cloud-secret", k1), "\""],
            ["  },"],
            ["  {"],
            ["    \"keyName\": \"key2\","],
            ["    \"permissions\": \"FULL\","],
            ["    \"value\": \"", Secret("cloud-secret", k2), "\""],
            ["  }"],
            ["]"]]))
        # terraform output -json: sensitive values.
        v = g.password()
        out.append(("cloud-secret", [
            [g.prompt(), "terraform output -json"],
            ["{"],
            ["  \"%s\": {" % g.pick(["db_password", "admin_secret", "api_cred"])],
            ["    \"sensitive\": true,"],
            ["    \"type\": \"string\","],
            ["    \"value\": \"", Secret("cloud-secret", v), "\""],
            ["  },"],
            ["  \"vpc_id\": {"],
            ["    \"sensitive\": false,"],
            ["    \"type\": \"string\","],
            ["    \"value\": \"vpc-0%s\"" % g.s(HEX, 16)],
            ["  }"],
            ["}"]]))
        # kubectl get secret -o yaml / json
        vals = [(k, base64.b64encode(g.password().encode()).decode())
                for k in g.r.sample(["password", "username", "api-token",
                                     "DB_URL", "conn"], 2)]
        lines = [[g.prompt(), "kubectl get secret app-creds -o yaml"],
                 ["apiVersion: v1"], ["data:"]]
        for k, v in vals:
            lines.append(["  %s: " % k, Secret("cloud-secret", v)])
        lines += [["kind: Secret"], ["metadata:"], ["  name: app-creds"],
                  ["  namespace: default"], ["type: Opaque"]]
        out.append(("cloud-secret", lines))
        lines = [[g.prompt(), "kubectl get secret app-creds -o json"], ["{"],
                 ["    \"apiVersion\": \"v1\","], ["    \"data\": {"]]
        for n, (k, v) in enumerate(vals):
            lines.append(["        \"%s\": \"" % k, Secret("cloud-secret", v),
                          "\"" + ("," if n == 0 else "")])
        lines += [["    },"], ["    \"kind\": \"Secret\","], ["    \"type\": \"Opaque\""],
                  ["}"]]
        out.append(("cloud-secret", lines))


# ------------------------------------------------- output with no key

def gen_keyless(g, out, rounds):
    """Commands whose output is the secret alone; the prompt comes back
    after it (on the same line when the value has no newline)."""
    for i in range(rounds):
        pr = g.prompt()
        after = g.pick(["ls", "clear", "history | tail -3", ""])
        v = g.password() if i % 2 else json.dumps(
            {"username": g.user(), "password": g.password()},
            separators=(",", ":"))
        q = g.pick(["SecretString", "'SecretString'", "\"SecretString\""])
        out.append(("cloud-secret", [
            [pr, "aws secretsmanager get-secret-value --secret-id prod/%s "
             "--query %s --output text" % (g.word(), q)],
            [Secret("cloud-secret", v)], [pr, after]]))
        out.append(("cloud-secret", [
            [pr, "aws ssm get-parameter --name /prod/%s/pw --with-decryption "
             "--query %s --output text" % (g.word(), g.pick(
                 ["Parameter.Value", "'Parameter.Value'"]))],
            [Secret("cloud-secret", g.password())], [pr, after]]))
        name = g.pick(["db_password", "admin_token", "api_key"])
        if i % 2:
            out.append(("cloud-secret", [
                [pr, "terraform output %s" % name],
                ["\"", Secret("cloud-secret", g.password()), "\""],
                [pr, after]]))
        else:
            out.append(("cloud-secret", [
                [pr, "terraform output -raw %s" % name],
                [Secret("cloud-secret", g.password()), pr, after]]))
        out.append(("cloud-secret", [
            [pr, "vault kv get -field=%s secret/%s" % (
                g.pick(["password", "token"]), g.word())],
            [Secret("cloud-secret", g.password()), pr, after]]))
        raw = g.password()
        if i % 2:
            out.append(("cloud-secret", [
                [pr, "kubectl get secret %s -o jsonpath='{.data.password}' "
                 "| base64 -d" % g.word()],
                [Secret("cloud-secret", raw), pr, after]]))
        else:
            out.append(("cloud-secret", [
                [pr, "kubectl get secret %s -o jsonpath='{.data.*}'"
                 % g.word()],
                [Secret("cloud-secret",
                        base64.b64encode(raw.encode()).decode()), pr, after]]))


def gen_pgpass(g, out, rounds):
    """.pgpass lines on any port, wildcards, after the file is named or
    as they are written to it."""
    for i in range(rounds):
        pr = g.pick(["sh-5.2$ ", "[ec2-user@ip-10-0-1-5 ~]$ ",
                     "root@ip-172-31-9-4:~# "])
        port = g.pick([str(g.r.randrange(1024, 65536)), "*", "5432"])
        lines = [[pr, g.pick(["cat ~/.pgpass", "cat /home/app/.pgpass",
                              "sudo cat ~postgres/.pgpass"])],
                 ["# %s" % g.word()]]
        for _ in range(1 + i % 3):
            host = g.pick([g.host(), "*", "10.0.%d.%d" % (
                g.r.randrange(256), g.r.randrange(1, 255))])
            db = g.pick([g.word(), "*"])
            lines.append(["%s:%s:%s:%s:" % (host, port, db, g.user()),
                          Secret("cli-password", g.password(False))])
        lines.append([pr, "ls"])
        out.append(("cli-password", lines))
        q = g.pick(["'", "\""])
        out.append(("cli-password", [[
            pr, "echo %s%s:%d:%s:%s:" % (q, g.host(), g.r.randrange(1024, 65536),
                                         g.word(), g.user()),
            Secret("cli-password", g.password(False)),
            "%s %s ~/.pgpass" % (q, g.pick([">", ">>"]))]]))


def keyless_lookalikes(g):
    """Output after commands that do not print a secret, and those
    commands where nothing runs them."""
    pr = g.prompt()
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/%s" % g.word()
    return [
        [[pr, "aws secretsmanager list-secrets --query 'SecretList[].Name' "
          "--output text"], ["prod/app\tprod/db\tstaging/api"], [pr]],
        [[pr, "aws secretsmanager describe-secret --secret-id prod/db "
          "--output text"], ["%s\tprod/db\t2024-05-01" % arn], [pr]],
        [[pr, "aws secretsmanager get-secret-value --secret-id prod/x "
          "--query SecretString --output text"],
         ["An error occurred (AccessDeniedException) when calling the "
          "GetSecretValue operation: access denied"], [pr]],
        [[pr, "aws ssm get-parameter --name /prod/region --query "
          "Parameter.Value --output text"], ["eu-west-1"], [pr]],
        [[pr, "terraform output"], ["db_password = <sensitive>"],
         ["vpc_id = \"vpc-0%s\"" % g.s(HEX, 16)], [pr]],
        [[pr, "cat deploy.sh"], ["#!/bin/sh"],
         ["aws secretsmanager get-secret-value --secret-id prod/db "
          "--query SecretString --output text"], ["echo fetched"], [pr]],
        [[pr, "vault kv list secret/"], ["Keys"], ["----"], ["app"], [pr]],
        [[pr, "chmod 600 ~/.pgpass"], [pr, "date"],
         ["%s:%d:%s:%s:%s" % (g.host(), g.r.randrange(1024, 65536), g.word(),
                              g.user(), g.word())]],
        [[pr, "ls -la ~/.pgpass"],
         ["-rw------- 1 app app 64 May  1 12:00 /home/app/.pgpass"], [pr]],
    ]


# ------------------------------------------------------ base64-wrapped

def pem_key(g, kind="RSA PRIVATE KEY", lines=4):
    body = [g.b64(48) for _ in range(lines)]
    return ["-----BEGIN %s-----" % kind] + body + ["-----END %s-----" % kind]


def gen_b64(g, out, rounds):
    for i in range(rounds):
        pem = "\n".join(pem_key(g, g.pick(["RSA PRIVATE KEY", "PRIVATE KEY",
                                           "EC PRIVATE KEY"]))) + "\n"
        enc = base64.b64encode(pem.encode()).decode()
        cert = base64.b64encode(("\n".join(
            ["-----BEGIN CERTIFICATE-----", g.b64(48), g.b64(48),
             "-----END CERTIFICATE-----"]) + "\n").encode()).decode()
        out.append(("private-key", [
            ["users:"], ["- name: admin"], ["  user:"],
            ["    client-certificate-data: " + cert],
            ["    client-key-data: ", Secret("private-key", enc)]]))
        pem = "\n".join(pem_key(g, "PRIVATE KEY")) + "\n"
        enc = base64.b64encode(pem.encode()).decode()
        out.append(("private-key", [
            ["data:"], ["  tls.crt: " + cert],
            ["  tls.key: ", Secret("private-key", enc)], ["kind: Secret"],
            ["type: kubernetes.io/tls"]]))
        auth = base64.b64encode(("%s:%s" % (g.user(), g.password())).encode()).decode()
        cfg = json.dumps({"auths": {"registry.example.com": {"auth": auth}}},
                         separators=(",", ":"))
        enc = base64.b64encode(cfg.encode()).decode()
        out.append(("registry-auth", [
            ["data:"], ["  .dockerconfigjson: ", Secret("registry-auth", enc)],
            ["kind: Secret"], ["type: kubernetes.io/dockerconfigjson"]]))
        auth = base64.b64encode(("%s:%s" % (g.user(), g.password())).encode()).decode()
        out.append(("registry-auth", [
            [g.prompt(), "cat ~/.docker/config.json"], ["{"],
            ["\t\"auths\": {"], ["\t\t\"%s\": {" % g.pick(["https://index.docker.io/v1/",
                                                          "ghcr.io", "123456789012.dkr.ecr."
                                                          "us-east-1.amazonaws.com"])],
            ["\t\t\t\"auth\": \"", Secret("registry-auth", auth), "\""],
            ["\t\t}"], ["\t}"], ["}"]]))


# ------------------------------------------------------- private keys

def gen_keys(g, out, rounds):
    for i in range(rounds):
        kind = g.pick(["RSA PRIVATE KEY", "OPENSSH PRIVATE KEY", "PRIVATE KEY",
                       "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"])
        pem = pem_key(g, kind, g.r.randrange(2, 6))
        # Typed through a here-document: body lines behind "> ".
        lines = [[g.prompt(), "cat > /tmp/k.pem <<'EOF'"], ["> " + pem[0]]]
        for b in pem[1:-1]:
            lines.append(["> ", Secret("private-key", b)])
        lines += [["> " + pem[-1]], ["> EOF"], [g.prompt(), "chmod 600 /tmp/k.pem"]]
        out.append(("private-key", lines))
        pem = pem_key(g, kind, g.r.randrange(2, 6))
        lines = [[g.prompt(), "cat ~/.ssh/id_%s" % g.pick(["rsa", "ed25519"])], [pem[0]]]
        for b in pem[1:-1]:
            lines.append([Secret("private-key", b)])
        lines.append([pem[-1]])
        out.append(("private-key", lines))


# ------------------------------------------------------ typed passwords

def gen_typed(g, out, rounds):
    for i in range(rounds):
        p = g.password(False)
        pr = g.prompt()
        fail = g.pick([["sudo: timed out reading password"],
                       ["Sorry, try again."],
                       ["su: Authentication failure"],
                       ["sudo: 3 incorrect password attempts"]])
        lines = [[pr, g.pick(["sudo systemctl restart app", "su -",
                              "sudo -i"])],
                 [g.pick(["[sudo] password for %s: " % g.user(), "Password: "])],
                 fail,
                 [pr, Secret("typed-password", p)],
                 ["-bash: ", Secret("typed-password", p), ": command not found"]]
        out.append(("typed-password", lines))


# ------------------------------------------------------------ look-alikes

def lookalikes(g):
    """(class, lines) that hold no secret."""
    P = g.prompt
    items = []

    def add(cls, *lines):
        items.append((cls, [list(l) if isinstance(l, (list, tuple)) else [l]
                            for l in lines]))

    add("windows-password", P("ps") + g.pick(["$Passwd = Read-Host -AsSecureString",
                                             "$pw = Read-Host -Prompt 'Password' -AsSecureString",
                                             "$cred = Get-Credential",
                                             "$s = ConvertTo-SecureString $plain -AsPlainText -Force",
                                             "$p = $cred.GetNetworkCredential().Password",
                                             "Invoke-Sqlcmd -ServerInstance db01 -Password $pw -Query 'select 1'",
                                             "New-LocalUser -Name svc -Password $Passwd",
                                             "$secure = Read-Host -AsSecureString -Prompt \"Enter password\""]))
    add("cli-password", P() + g.pick([
        "echo \"${{ secrets.DEPLOY_TOKEN }}\" | docker login -u x --password-stdin",
        "export DB_PASSWORD=${DB_PASSWORD}", "export API_TOKEN=$API_TOKEN",
        "mysql -u root -p\"$1\" app", "PGPASSWORD=\"$PGPASS\" psql -h db01 -U app",
        "password = os.environ[\"DB_PASSWORD\"]", "pw = getpass.getpass()",
        "const token = process.env.API_TOKEN;", "secret = config.get('secret')",
        "password=args.password", "token = vault.read(path)['data']['token']",
        "export GITHUB_TOKEN=$(gh auth token)", "curl -u \"$USER:$PASS\" https://x.example.com"]))
    add("placeholder", g.pick([
        "export API_KEY=YOUR_API_KEY", "password: xxxxxxxxxxxx", "OPENAI_API_KEY=sk-...",
        "token: <token>", "password = [hidden]", "password: [REDACTED]",
        "Password: ********", "  password: 16 bytes", "postgres://user:password@localhost:5432/db",
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "export GITHUB_TOKEN=<your-token-here>", "--password=****",
        "api_key: \"{{ api_key }}\"", "token = \"%TOKEN%\"", "secret: null"]))
    add("words", g.pick([
        "permissions:", "  id-token: write", "  contents: read",
        "openssl enc -aes-256-cbc -pass stdin -in a -out b",
        "curl -F file=@report.csv https://up.example.com", "aws s3 cp x s3://b --sse-c-key=@file",
        "kubectl create secret generic db --from-file=password=./pw.txt",
        "WARNING! Using --password via the CLI is insecure. Use --password-stdin.",
        "Login Succeeded", "passwd: password updated successfully",
        "Your password will expire in 5 days", "PasswordAuthentication no",
        "Changing password for user alice.", "password-store  1.7.4-2",
        "TokenExpiry: 2024-05-01T13:00:00Z", "  \"NextToken\": \"eyJuZXh0IjoxfQ==\",",
        "secret_scanning: enabled", "Token expired, please re-authenticate"]))
    add("typed-password", [P(), "sudo dnf install -y kubectl"],
        ["[sudo] password for ec2-user: "],
        ["Installed: kubectl-1.31.%d-150500.1.1.x86_64" % g.r.randrange(9)],
        ["Complete!"], [P(), "gti status"], ["-bash: gti: command not found"],
        [P(), "kubectl version --client"], ["Client Version: v1.31.%d" % g.r.randrange(9)])
    add("typed-password", [P(), "sudo -v"], ["[sudo] password for alice: "],
        [P(), "sl"], ["-bash: sl: command not found"])
    add("sql", g.pick([
        "mysql> SELECT user, host FROM mysql.user WHERE password_expired = 'N';",
        "postgres=# \\password alice", "mysql> ALTER USER 'app'@'%' ACCOUNT LOCK;",
        "postgres=# CREATE ROLE readonly NOLOGIN;",
        "SQL> alter user app identified externally;",
        "mysql> CREATE USER 'app'@'%' IDENTIFIED WITH auth_socket;",
        "127.0.0.1:6379> AUTH", "127.0.0.1:6379> CONFIG GET requirepass",
        "# requirepass foobared", "requirepass \"\""]))
    add("github-token", "git clone https://github.com/org/repo.git",
        "  url = https://x-access-token@github.com/org/repo.git",
        "ghp_" + "x" * 36, "  example: ghp_" + g.s(ALNUM, 36))
    add("hash", g.pick([
        "commit %s" % g.s(HEX, 40), "%s  %s.tar.gz" % (g.s(HEX, 64), g.word()),
        "sha512-%s" % g.b64(64), "\"etag\": \"\\\"%s\\\"\"," % g.s(HEX, 32),
        "Digest: sha256:%s" % g.s(HEX, 64), "request-id: %s-%s-4%s-a%s-%s" % (
            g.s(HEX, 8), g.s(HEX, 4), g.s(HEX, 3), g.s(HEX, 3), g.s(HEX, 12)),
        "\"ImageId\": \"ami-0%s\"," % g.s(HEX, 16),
        "\"VersionId\": \"%s-%s-%s-%s-%s\"," % (g.s(HEX, 8), g.s(HEX, 4), g.s(HEX, 4),
                                                g.s(HEX, 4), g.s(HEX, 12))]))
    add("cloud-secret",
        [P(), "aws ssm get-parameter --name /app/region"], ["{"], ["    \"Parameter\": {"],
        ["        \"Name\": \"/app/region\","], ["        \"Type\": \"String\","],
        ["        \"Value\": \"%s\"," % g.pick(["us-east-1", "eu-west-1", "blue-%d" % g.r.randrange(9)])],
        ["        \"Version\": 1"], ["    }"], ["}"])
    add("cloud-secret",
        [P(), "terraform output -json"], ["{"], ["  \"vpc_id\": {"],
        ["    \"sensitive\": false,"], ["    \"type\": \"string\","],
        ["    \"value\": \"vpc-0%s\"" % g.s(HEX, 16)], ["  }"], ["}"])
    add("cloud-secret",
        [P(), "kubectl get configmap app -o yaml"], ["apiVersion: v1"], ["data:"],
        ["  LOG_LEVEL: %s" % g.pick(["debug", "info", "warn"])],
        ["  REGION: us-east-1"], ["kind: ConfigMap"], ["metadata:"], ["  name: app"])
    add("cloud-secret",
        [P(), "kubectl describe secret app-creds"], ["Name:         app-creds"],
        ["Type:  Opaque"], [""], ["Data"], ["===="],
        ["password:  %d bytes" % g.r.randrange(8, 40)], ["username:  5 bytes"])
    cert = base64.b64encode(("-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n"
                             % g.b64(48)).encode()).decode()
    add("private-key", "    client-certificate-data: " + cert,
        "    certificate-authority-data: " + cert)
    add("private-key", "-----BEGIN PUBLIC KEY-----", g.b64(48),
        "-----END PUBLIC KEY-----")
    add("private-key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI%s %s@laptop" % (
        g.s(B64, 43), g.user()))
    add("tokens", g.pick([
        "SKU: SK%s" % g.s(string.ascii_uppercase, 8), "Heroku HRKU- tokens rotate yearly",
        "hf_hub_download(repo_id='gpt2')", "import shopify_app", "lin_api_version: 2",
        "Skipping SKIP_CHECKS", "Model: ya29 series", "age-keygen -o key.txt",
        "Public key: age1%s" % g.s(BECH32.lower(), 58), "LTAI is a prefix of Alibaba keys",
        "rubygems_version: 3.4.1", "glsa_ and glc_ are Grafana prefixes",
        "dop_v1_ tokens are 71 characters", "pypi-AgEI...", "AGE-SECRET-KEY-1...",
        "SG.xxxxx.yyyyy", "xapp-1-...", "Telegram 123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"]))
    add("url", g.pick([
        "https://user:password@localhost/", "git clone git@github.com:org/repo.git",
        "https://github.com/org/repo/blob/main/README.md#password-reset",
        "ssh://git@host:22/repo.git", "mongodb://localhost:27017/?authSource=admin",
        "http://%s:8080/health" % g.host()]))
    return items


def gen_lookalikes(g, out, rounds):
    for _ in range(rounds):
        for cls, lines in lookalikes(g):
            out.append(("~" + cls, [g.noise(l) for l in lines]))
    for _ in range(rounds // 5):
        for lines in keyless_lookalikes(g):
            out.append(("~keyless", [g.noise(l) for l in lines]))


# ------------------------------------------------------------------ all

def build(seed=SEED):
    """[(label, [line segments...])]: label is a kind, or ~class."""
    g = Gen(seed)
    out = []
    gen_tokens(g, out, 24)
    gen_positions(g, out, 12)
    gen_structured(g, out, 12)
    gen_keyless(g, out, 12)
    gen_pgpass(g, out, 12)
    gen_b64(g, out, 12)
    gen_keys(g, out, 12)
    gen_typed(g, out, 30)
    gen_lookalikes(g, out, 60)
    g.r.shuffle(out)
    return out


def render(items):
    """Raw bytes, and per line the spans [(a, b, kind)] and a label."""
    lines = []
    for label, item in items:
        for segs in item:
            raw, spans = b"", []
            for s in segs:
                if isinstance(s, Secret):
                    v = s.value.encode("utf-8", "surrogateescape")
                    spans.append((len(raw), len(raw) + len(v), s.kind))
                    raw += v
                else:
                    raw += s.encode("utf-8", "surrogateescape")
            lines.append((raw, spans, label))
    return lines
