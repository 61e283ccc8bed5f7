/*
 * test_redact_kinds.c: every default kind of redaction.md, positive and
 * negative.  Each case is one raw line through the engine with the
 * default rules; the expected text says exactly what is left (NULL: the
 * line must come back unchanged).  Multi-line kinds (private keys across
 * lines, typed passwords) are in test_redact.c.
 */
#include <string.h>

#include "check_main.h"
#include "redact/redact.h"

#define R(k)	"[REDACTED:" k "]"

struct kcase {
	const char *kind;
	const char *in;
	const char *want;	/* NULL: unchanged */
};

static const struct kcase cases[] = {
	/* --------------------------------------------- aws-access-key-id */
	{ "aws-access-key-id", "export AWS_ACCESS_KEY_ID=AKIAUJZDEGXDNCF32EPF",
	  "export AWS_ACCESS_KEY_ID=" R("aws-access-key-id") },
	{ "aws-access-key-id", "    \"AccessKeyId\": \"ASIA3DHODZDOCIS2JHTL\",",
	  "    \"AccessKeyId\": \"" R("aws-access-key-id") "\"," },
	{ "aws-access-key-id", "AWS Access Key ID [None]: AKIAUJZDEGXDNCF32EPF",
	  "AWS Access Key ID [None]: " R("aws-access-key-id") },
	{ "aws-access-key-id", "key AKIAIOSFODNN7EXAMPLE is the docs one", NULL },
	{ "aws-access-key-id", "AKIAUJZDEGXDNCF32EP is one short", NULL },
	{ "aws-access-key-id", "XAKIAUJZDEGXDNCF32EPF glued on", NULL },
	{ "aws-access-key-id", "akiaujzdegxdncf32epf lower case", NULL },
	{ "aws-access-key-id", "AKIA1234567890189018 has 0 1 8 9", NULL },
	/* ------------------------------------------------ aws-secret-key */
	{ "aws-secret-key",
	  "aws_secret_access_key = nyVmihA+2O76UMFxFkM+R5Kjp1vRt/1fjORS+6il",
	  "aws_secret_access_key = " R("aws-secret-key") },
	{ "aws-secret-key",
	  "export AWS_SECRET_ACCESS_KEY=\"nyVmihA+2O76UMFxFkM+R5Kjp1vRt/1fjORS+6il\"",
	  "export AWS_SECRET_ACCESS_KEY=\"" R("aws-secret-key") "\"" },
	{ "aws-secret-key",
	  "  \"SecretAccessKey\" : \"nyVmihA+2O76UMFxFkM+R5Kjp1vRt/1fjORS+6il\",",
	  "  \"SecretAccessKey\" : \"" R("aws-secret-key") "\"," },
	{ "aws-secret-key",
	  "AWS Secret Access Key [****************6il]: nyVmihA+2O76UMFxFkM+R5Kjp1vRt/1fjORS+6il",
	  "AWS Secret Access Key [****************6il]: " R("aws-secret-key") },
	{ "aws-secret-key",
	  "$ aws configure set aws_secret_access_key nyVmihA+2O76UMFxFkM+R5Kjp1vRt/1fjORS+6il",
	  "$ aws configure set aws_secret_access_key " R("aws-secret-key") },
	{ "aws-secret-key",
	  "AKIAUJZDEGXDNCF32EPF,nyVmihA+2O76UMFxFkM+R5Kjp1vRt/1fjORS+6il",
	  R("aws-access-key-id") "," R("aws-secret-key") },
	{ "aws-secret-key",
	  "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", NULL },
	{ "aws-secret-key", "set aws_secret_access_key in ~/.aws/credentials",
	  NULL },
	{ "aws-secret-key",
	  "sha1 nyVmihA2O76UMFxFkMR5Kjp1vRt1fjORS6il0000 without a name", NULL },
	/* --------------------------------------------- aws-session-token */
	{ "aws-session-token",
	  "export AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjI8ihN5KXSc7Tvo+hBKqFYY+kv5ZJr3J1TWDtkwtDDb/xHKas1VOqg6YYZYn9Zh==",
	  "export AWS_SESSION_TOKEN=" R("aws-session-token") },
	{ "aws-session-token",
	  "  \"Token\" : \"IQoJb3JpZ2luX2VjI8ihN5KXSc7Tvo+hBKqFYY+kv5ZJr3J1TWDtkwtDDb/xH\",",
	  "  \"Token\" : \"" R("aws-session-token") "\"," },
	{ "aws-session-token",
	  "        \"SessionToken\": \"FwoGZXIvYXdzEBYaDHqa0AP1/0+MAtest1234567890abcdefgh\",",
	  "        \"SessionToken\": \"" R("aws-session-token") "\"," },
	{ "aws-session-token",
	  "curl -H \"X-aws-ec2-metadata-token: AQAEAEqZ2bWj0YT7hV0i1YpFjZ5z8TestTokenAAAAAAAAAAA==\" http://169.254.169.254/",
	  "curl -H \"X-aws-ec2-metadata-token: " R("aws-session-token") "\" http://169.254.169.254/" },
	{ "aws-session-token", "    \"NextToken\": \"AAEAAfkpK0ZEXAMPLE\"", NULL },
	{ "aws-session-token",
	  "\"tokenValue\": \"Value hidden due to security reasons.\",", NULL },
	/* --------------------------------------------------- private-key */
	{ "private-key",
	  "\"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n\",",
	  "\"private_key\": \"" R("private-key") "\"," },
	{ "private-key", "-----BEGIN PUBLIC KEY-----", NULL },
	{ "private-key", "-----BEGIN CERTIFICATE-----", NULL },
	{ "private-key",
	  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq9nWcLQ1Z5bQhYpNr alice@laptop",
	  NULL },
	/* ----------------------------------------------------------- jwt */
	{ "jwt",
	  "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIpxqZKm4bV3AyAVHnyrvWdFrK9xiRGH.BlIFXZ53Ncqe28-ajY75FnCttn6kfaqDeMqG3omjMyX",
	  "Authorization: Bearer " R("jwt") },
	{ "jwt", "id_token=eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.",
	  "id_token=" R("jwt") },
	{ "jwt", "header eyJhbGciOiJIUzI1NiJ9 alone", NULL },
	{ "jwt", "eyJ.eyJ.x is too short", NULL },
	/* -------------------------------------------------- github-token */
	{ "github-token",
	  "git remote set-url origin https://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@github.com/o/r",
	  "git remote set-url origin https://" R("github-token") "@github.com/o/r" },
	{ "github-token",
	  "GH_TOKEN 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",
	  "GH_TOKEN " R("github-token") },
	{ "github-token", "branch ghp_fix-login is fine", NULL },
	{ "github-token", "ghp_bYrEqmSM9wCZ7Uw9xfogoEmvnEN5N1aE6Pw is 35", NULL },
	/* -------------------------------------------------- gitlab-token */
	{ "gitlab-token", "PRIVATE TOKEN glpat-d6Vw5DQL05HA064GiIjH ok",
	  "PRIVATE TOKEN " R("gitlab-token") " ok" },
	{ "gitlab-token", "glpat-short", NULL },
	/* --------------------------------------------------- slack-token */
	{ "slack-token",
	  "SLACK_BOT=xoxb-80729022279-1805888718033-rcXgGCJbW56eCuNGMGmSrCGI",
	  "SLACK_BOT=" R("slack-token") },
	{ "slack-token", "xoxb-123 is a fragment", NULL },
	/* ------------------------------------------------- slack-webhook */
	{ "slack-webhook",
	  "curl -X POST https://hooks.slack.com/services/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 -d @m.json",
	  "curl -X POST https://hooks.slack.com/" R("slack-webhook") " -d @m.json" },
	{ "slack-webhook", "see https://hooks.slack.com/ for docs", NULL },
	/* ---------------------------------------------------- stripe-key */
	{ "stripe-key", "STRIPE=sk_live_4FkQ1okTBGzvAmwufUxbvJDC",
	  "STRIPE=" R("stripe-key") },
	{ "stripe-key", "key rk_test_TbyvHNsG9eh6Yo4gfqrc5Xlr here",
	  "key " R("stripe-key") " here" },
	{ "stripe-key", "pk_live_4FkQ1okTBGzvAmwufUxbvJDC is public", NULL },
	{ "stripe-key", "sk_live_short", NULL },
	/* ----------------------------------------------------- npm-token */
	{ "npm-token",
	  "//registry.npmjs.org/:_authToken=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",
	  "//registry.npmjs.org/:_authToken=" R("npm-token") },
	{ "npm-token", "npm_config_cache=/tmp/npm", NULL },
	/* ------------------------------------------------ google-api-key */
	{ "google-api-key", "maps key=AIzaCiHp6bR1IqfEouHgxzNNAL5wIScGebcy8F5&q=x",
	  "maps key=" R("google-api-key") "&q=x" },
	{ "google-api-key", "AIzaShortKey", NULL },
	/* ---------------------------------------------------- openai-key */
	{ "openai-key",
	  "OPENAI_API_KEY=sk-proj-n3_YNBDRzrZSgqbjG3uhkWKFLf6xuI5aHUQPFeNBTxaQWk8JzFalHlsZfYcMMDktT3BlbkFJXP_tKsf2rcDkdfrUnW5gcF-Ha6ili8GjHEAD6_Wj9KfzjsQGMrb9h-ImB-LK777p",
	  "OPENAI_API_KEY=" R("openai-key") },
	{ "openai-key", "old 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",
	  "old " R("openai-key") },
	{ "openai-key", "ssh sk-abc123 isn't one", NULL },
	/* ------------------------------------------------- anthropic-key */
	{ "anthropic-key",
	  "x-api-key sk-ant-api03-UD_-Ydua-5ZMs1SWOpQaPRYpzbLGViYXjU2JgJngKtFI3OyV2dZAkg05rK-gqv81RKMGHZEM9YpvujA_C5Q52ryFlwRlOAA",
	  "x-api-key " R("anthropic-key") },
	{ "anthropic-key", "sk-ant-xyz", NULL },
	/* ----------------------------------------------- url-credentials */
	{ "url-credentials",
	  "git clone https://deploy:S3cr3tPass@git.example.com/org/repo.git",
	  "git clone https://deploy:" R("url-credentials") "@git.example.com/org/repo.git" },
	{ "url-credentials", "DATABASE_URL=postgres://app:pa55word@db.internal:5432/app",
	  "DATABASE_URL=postgres://app:" R("url-credentials") "@db.internal:5432/app" },
	{ "url-credentials", "redis-cli -u redis://:foobared@cache:6379",
	  "redis-cli -u redis://:" R("url-credentials") "@cache:6379" },
	{ "url-credentials", "curl http://localhost:8080/path@v2", NULL },
	{ "url-credentials", "git clone ssh://git@github.com:22/o/r", NULL },
	{ "url-credentials", "open https://alice@example.com/", NULL },
	{ "url-credentials", "mongodb://admin:$MONGO_PW@db:27017", NULL },
	/* -------------------------------------------------- cli-password */
	{ "cli-password", "mysql -u root -pS3cret! orders",
	  "mysql -u root -p" R("cli-password") " orders" },
	{ "cli-password", "mysqldump -uroot -p'my pass' orders > o.sql",
	  "mysqldump -uroot -p'" R("cli-password") "' orders > o.sql" },
	{ "cli-password", "mongosh --password hunter22 --host db",
	  "mongosh --password " R("cli-password") " --host db" },
	{ "cli-password", "sshpass -p 'S3cr3t' ssh admin@10.0.0.5",
	  "sshpass -p '" R("cli-password") "' ssh admin@10.0.0.5" },
	{ "cli-password", "curl -u admin:S3cr3t https://api.example.com",
	  "curl -u admin:" R("cli-password") " https://api.example.com" },
	{ "cli-password",
	  "curl -H 'Authorization: Basic YWRtaW46UzNjcjN0' https://x.example.com",
	  "curl -H 'Authorization: Basic " R("cli-password") "' https://x.example.com" },
	{ "cli-password", "PGPASSWORD=S3cr3t psql -h db -U app",
	  "PGPASSWORD=" R("cli-password") " psql -h db -U app" },
	{ "cli-password", "MYSQL_PWD=S3cr3t mysql -u app",
	  "MYSQL_PWD=" R("cli-password") " mysql -u app" },
	{ "cli-password", "export DB_PASSWORD=\"S3cr3t\"",
	  "export DB_PASSWORD=\"" R("cli-password") "\"" },
	{ "cli-password", "export API_SECRET=abc123def456",
	  "export API_SECRET=" R("cli-password") },
	{ "cli-password", "export CI_JOB_TOKEN=abc123",
	  "export CI_JOB_TOKEN=" R("cli-password") },
	{ "cli-password", "echo 'S3cr3t' | sudo -S apt-get update",
	  "echo '" R("cli-password") "' | sudo -S apt-get update" },
	{ "cli-password", "echo 'alice:S3cr3t' | sudo chpasswd",
	  "echo 'alice:" R("cli-password") "' | sudo chpasswd" },
	{ "cli-password", "htpasswd -b -c /etc/nginx/.htpasswd admin S3cr3t",
	  "htpasswd -b -c /etc/nginx/.htpasswd admin " R("cli-password") },
	{ "cli-password", "docker login -u admin -p S3cr3t registry.example.com",
	  "docker login -u admin -p " R("cli-password") " registry.example.com" },
	{ "cli-password", "openssl pkcs12 -export -passout pass:S3cr3t -out a.p12",
	  "openssl pkcs12 -export -passout pass:" R("cli-password") " -out a.p12" },
	{ "cli-password", "redis-cli -h cache -a S3cr3t ping",
	  "redis-cli -h cache -a " R("cli-password") " ping" },
	{ "cli-password", "sqlplus scott/tiger@orcl",
	  "sqlplus scott/" R("cli-password") "@orcl" },
	{ "cli-password", "wget --user=bob --password=S3cr3t https://x.example.com/f",
	  "wget --user=bob --password=" R("cli-password") " https://x.example.com/f" },
	{ "cli-password", "  password: hunter22",
	  "  password: " R("cli-password") },
	{ "cli-password", "{\"username\": \"app\", \"password\": \"hunter22\"}",
	  "{\"username\": \"app\", \"password\": \"" R("cli-password") "\"}" },
	{ "cli-password", "vault login s.AbCdEf123456",
	  "vault login " R("cli-password") },
	{ "cli-password", "keytool -list -keystore ks.jks -storepass changeit",
	  "keytool -list -keystore ks.jks -storepass " R("cli-password") },
	{ "cli-password", "mysql -u root -p orders", NULL },
	{ "cli-password", "mysql -u root -p", NULL },
	{ "cli-password", "read -s passwd", NULL },
	{ "cli-password", "password: ********", NULL },
	{ "cli-password", "passwd: password updated successfully", NULL },
	{ "cli-password", "PasswordAuthentication no", NULL },
	{ "cli-password", "echo \"$PASSWORD\" | sudo -S ls", NULL },
	{ "cli-password", "curl -u admin https://api.example.com", NULL },
	{ "cli-password", "cat pw | docker login -u admin --password-stdin", NULL },
	{ "cli-password", "export PASSWORD=$(cat /run/secrets/pw)", NULL },
	{ "cli-password", "Enter password:", NULL },
	{ "cli-password", "mysql: [Warning] Using a password on the command line "
	  "interface can be insecure.", NULL },
	/* ---------------------------------------------- windows-password */
	{ "windows-password", "PS C:\\> net user alice P@ssw0rd! /add",
	  "PS C:\\> net user alice " R("windows-password") " /add" },
	{ "windows-password",
	  "net use Z: \\\\fs01\\share P@ssw0rd /user:CORP\\alice",
	  "net use Z: \\\\fs01\\share " R("windows-password") " /user:CORP\\alice" },
	{ "windows-password",
	  "$pw = ConvertTo-SecureString \"P@ssw0rd!\" -AsPlainText -Force",
	  "$pw = ConvertTo-SecureString \"" R("windows-password") "\" -AsPlainText -Force" },
	{ "windows-password",
	  "New-LocalUser bob -Password (ConvertTo-SecureString -AsPlainText 'Pa55' -Force)",
	  "New-LocalUser bob -Password (ConvertTo-SecureString -AsPlainText '"
	  R("windows-password") "' -Force)" },
	{ "windows-password",
	  "Install-ADDSForest -DomainName corp.local -SafeModeAdministratorPassword Pa55word",
	  "Install-ADDSForest -DomainName corp.local -SafeModeAdministratorPassword "
	  R("windows-password") },
	{ "windows-password", "cmdkey /generic:srv01 /user:alice /pass:P@ssw0rd",
	  "cmdkey /generic:srv01 /user:alice /pass:" R("windows-password") },
	{ "windows-password",
	  "schtasks /create /tn job /tr c:\\x.exe /ru alice /rp P@ssw0rd",
	  "schtasks /create /tn job /tr c:\\x.exe /ru alice /rp " R("windows-password") },
	{ "windows-password", "sqlcmd -S db01 -U sa -P P@ssw0rd -Q \"select 1\"",
	  "sqlcmd -S db01 -U sa -P " R("windows-password") " -Q \"select 1\"" },
	{ "windows-password", "net user alice /delete", NULL },
	{ "windows-password", "net user alice *", NULL },
	{ "windows-password", "net use Z: \\\\fs01\\share /user:CORP\\alice", NULL },
	{ "windows-password",
	  "$s = ConvertTo-SecureString $plain -AsPlainText -Force", NULL },
	{ "windows-password", "Set-LocalUser bob -Password $secure", NULL },
	{ "windows-password", "sqlcmd -S db01 -E -Q \"select 1\"", NULL },	/* ------------------------------------ issue 14: new shapes, places */
	{ "github-token", "token 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",
	  "token " R("github-token") },
	{ "github-token", "example ghp_Kq3Lm9Xz2Wv7Rt5Yp1Hn8Bc4Df6Gj0AAAAAA has a wrong checksum",
	  NULL },
	{ "sendgrid-key", "SENDGRID=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",
	  "SENDGRID=" R("sendgrid-key") },
	{ "sendgrid-key", "SG.x is the prefix",
	  NULL },
	{ "vault-token", "Initial Root Token: hvs.6j4cuewowBGit65rheNoceI7",
	  "Initial Root Token: " R("vault-token") },
	{ "vault-token", "hvs.short token",
	  NULL },
	{ "docker-token", "echo dckr_pat_2b3e36beeb386dfdaacb9b46004 | docker login",
	  "echo " R("docker-token") " | docker login" },
	{ "pypi-token", "password = pypi-AgEIcHlwaS5vcmcCJGRmNGE4YjZkLTk5ZWEtNGI0My1hMjIwLTU3ZjU2ZWNlNTk2MwACKlszLCJmMWE",
	  "password = " R("pypi-token") },
	{ "pypi-token", "pip install pypi-simple",
	  NULL },
	{ "huggingface-token", "HF_TOKEN=hf_hJkLmNoPqRsTuVwXyZaBcDeFgHiJkLmNoP",
	  "HF_TOKEN=" R("huggingface-token") },
	{ "huggingface-token", "hf_hub_download(repo_id='gpt2')",
	  NULL },
	{ "shopify-token", "X-Shopify-Access-Token: shpat_0123456789abcdef0123456789abcdef",
	  "X-Shopify-Access-Token: " R("shopify-token") },
	{ "linear-key", "lin_api_Aa1Bb2Cc3Dd4Ee5Ff6Gg7Hh8Ii9Jj0Kk1Ll2Mm3N",
	  R("linear-key") },
	{ "age-secret-key", "AGE-SECRET-KEY-1QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7LQPZRY9X8GF2TVDW0S3JN54KHCE",
	  R("age-secret-key") },
	{ "age-secret-key", "# public key: age1qpzry9x8gf2tvdw0s3jn54khce6mua7lqpzry9x8gf2tvdw0s3jn54khce6",
	  NULL },
	{ "grafana-token", "glsa_Aa1Bb2Cc3Dd4Ee5Ff6Gg7Hh8Ii9Jj0Kk_0a1b2c3d",
	  R("grafana-token") },
	{ "digitalocean-token", "doctl auth init -t dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	  "doctl auth init -t " R("digitalocean-token") },
	{ "google-oauth-token", "Authorization: ya29.a0AfH6SMBxxxYyZz0123456789abcdefghijklmnop",
	  "Authorization: " R("google-oauth-token") },
	{ "heroku-key", "HEROKU_API_KEY=HRKU-AA0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRST_w",
	  "HEROKU_API_KEY=" R("heroku-key") },
	{ "twilio-key", "api key SK0123456789abcdef0123456789abcdef",
	  "api key " R("twilio-key") },
	{ "twilio-key", "SKU SK-1234 in stock",
	  NULL },
	{ "telegram-bot-token", "curl https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1/getMe",
	  "curl https://api.telegram.org/bot" R("telegram-bot-token") "/getMe" },
	{ "rubygems-key", "GEM_HOST_API_KEY: rubygems_0123456789abcdef0123456789abcdef0123456789abcdef",
	  "GEM_HOST_API_KEY: " R("rubygems-key") },
	{ "alibaba-access-key", "aliyun configure --access-key-id LTAI5tQp9Xz2Wv7Rt5Yp1Hn8",
	  "aliyun configure --access-key-id " R("alibaba-access-key") },
	{ "azure-client-secret", "client secret: Abc8Q~dEfGhIjKlMnOpQrStUvWxYz0123456789",
	  "client secret: " R("azure-client-secret") },
	{ "vault-unseal-key", "Unseal Key 1: 3Xp9Qz2Wv7Rt5Yp1Hn8Bc4Df6Gj0Kq3Lm9Xz2Wv7Rt5",
	  "Unseal Key 1: " R("vault-unseal-key") },
	{ "vault-unseal-key", "Unseal Key (will be hidden):",
	  NULL },
	{ "private-key", "    client-key-data: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2UUlCQURBTkJna3Foa2lHOXcwQkFRRUZBQVNDCi0tLS0tRU5EIFBSSVZBVEUgS0VZLS0tLS0K",
	  "    client-key-data: " R("private-key") },
	{ "private-key", "    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURkekNDQWwrZ0F3SUJBZ0lFQWdBQXVUQU5CZ2txCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K",
	  NULL },
	{ "registry-auth", "\"auth\": \"ZGVwbG95OkhhcmJvci1tYXBsZS00Mg==\"",
	  "\"auth\": \"" R("registry-auth") "\"" },
	{ "registry-auth", "\"auth\": \"none\"",
	  NULL },
	{ "cloud-secret", "    \"SecretString\": \"{\\\"password\\\":\\\"Harbor-maple-42\\\"}\",",
	  "    \"SecretString\": \"" R("cloud-secret") "\"," },
	{ "cloud-secret", "    \"PasswordData\": \"bm90IGEgcmVhbCBwYXNzd29yZA==\",",
	  "    \"PasswordData\": \"" R("cloud-secret") "\"," },
	{ "cli-password", "mysql> CREATE USER 'app'@'%' IDENTIFIED BY 'Harbor-maple-42';",
	  "mysql> CREATE USER 'app'@'%' IDENTIFIED BY '" R("cli-password") "';" },
	{ "cli-password", "mysql> CREATE USER 'app'@'%' IDENTIFIED WITH auth_socket;",
	  NULL },
	{ "cli-password", "postgres=# ALTER ROLE app LOGIN PASSWORD 'Harbor-maple-42';",
	  "postgres=# ALTER ROLE app LOGIN PASSWORD '" R("cli-password") "';" },
	{ "cli-password", "mysql> SET PASSWORD FOR 'app'@'%' = PASSWORD('Harbor-maple-42');",
	  "mysql> SET PASSWORD FOR 'app'@'%' = PASSWORD('" R("cli-password") "');" },
	{ "cli-password", "$ rabbitmqctl add_user app Harbor42",
	  "$ rabbitmqctl add_user app " R("cli-password") },
	{ "cli-password", "$ openssl passwd -6 'Harbor-maple-42'",
	  "$ openssl passwd -6 '" R("cli-password") "'" },
	{ "cli-password", "$ ssh-keygen -t ed25519 -N 'Harbor-maple-42' -f k",
	  "$ ssh-keygen -t ed25519 -N '" R("cli-password") "' -f k" },
	{ "cli-password", "$ ssh-keygen -t ed25519 -N '' -f k",
	  NULL },
	{ "cli-password", "$ az login -u a@b.example -p Harbor42",
	  "$ az login -u a@b.example -p " R("cli-password") },
	{ "cli-password", "$ mc alias set s3 https://s3.example.com AKEXAMPLE Harbor42secretkey",
	  "$ mc alias set s3 https://s3.example.com AKEXAMPLE " R("cli-password") },
	{ "cli-password", "127.0.0.1:6379> CONFIG SET requirepass Harbor42",
	  "127.0.0.1:6379> CONFIG SET requirepass " R("cli-password") },
	{ "cli-password", "# requirepass foobared",
	  NULL },
	{ "cli-password", "db01:5432:app:alice:Harbor42",
	  "db01:5432:app:alice:" R("cli-password") },
	{ "cli-password", "machine api.example.com login alice password Harbor42",
	  "machine api.example.com login alice password " R("cli-password") },
	{ "cli-password", "  <password>Harbor42</password>",
	  "  <password>" R("cli-password") "</password>" },
	{ "cli-password", "Server=db01;Uid=sa;Pwd=Harbor42;Encrypt=yes",
	  "Server=db01;Uid=sa;Pwd=" R("cli-password") ";Encrypt=yes" },
	{ "cli-password", "PWD=/home/ssm-user",
	  NULL },
	{ "cli-password", "$ SSHPASS=Harbor42 sshpass -e ssh a@b",
	  "$ SSHPASS=" R("cli-password") " sshpass -e ssh a@b" },
	{ "cli-password", "$ sudo -S true <<< 'Harbor42'",
	  "$ sudo -S true <<< '" R("cli-password") "'" },
	{ "cli-password", "$ printf 'Harbor42\\nHarbor42\\n' | sudo passwd bob",
	  "$ printf '" R("cli-password") "\\n" R("cli-password") "\\n' | sudo passwd bob" },
	{ "cli-password", "$ echo Harbor42 | docker login -u a --password-stdin",
	  "$ echo " R("cli-password") " | docker login -u a --password-stdin" },
	{ "cli-password", "$ echo \"$PW\" | docker login -u a --password-stdin",
	  NULL },
	{ "cli-password", "WARNING! Using --password via the CLI is insecure. Use --password-stdin.",
	  NULL },
	{ "cli-password", "$ openssl enc -aes-256-cbc -pass stdin -in a -out b",
	  NULL },
	{ "cli-password", "  id-token: write",
	  NULL },
	{ "cli-password", "$ kubectl create secret generic db --from-file=password=./pw.txt",
	  NULL },
	{ "url-credentials", "$ git push https://x-access-token:Harbor42@github.com/o/r.git",
	  "$ git push https://x-access-token:" R("url-credentials") "@github.com/o/r.git" },
	{ "windows-password", "PS C:\\> reg add HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon /v DefaultPassword /t REG_SZ /d Harbor42 /f",
	  "PS C:\\> reg add HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon /v DefaultPassword /t REG_SZ /d " R("windows-password") " /f" },
	{ "windows-password", "PS C:\\> $p = 'Harbor42' | ConvertTo-SecureString -AsPlainText -Force",
	  "PS C:\\> $p = '" R("windows-password") "' | ConvertTo-SecureString -AsPlainText -Force" },
	{ "windows-password", "PS C:\\> $Passwd = Read-Host -AsSecureString",
	  NULL },
	{ "windows-password", "PS C:\\> $p = $cred.GetNetworkCredential().Password",
	  NULL },
	{ "windows-password", "PS C:\\> Invoke-Sqlcmd -ServerInstance db01 -Password $pw -Query 'select 1'",
	  NULL },
	{ "docker-token", "see dckr_pat_ in the Docker docs", NULL },
	{ "shopify-token", "shpat_ tokens have 32 hex digits: shpat_0123", NULL },
	{ "linear-key", "lin_api_version = 2", NULL },
	{ "grafana-token", "glsa_ is a service account prefix", NULL },
	{ "digitalocean-token", "dop_v1_0123456789abcdef too short", NULL },
	{ "google-oauth-token", "ya29.short", NULL },
	{ "heroku-key", "HRKU-AA is the Heroku prefix", NULL },
	{ "telegram-bot-token", "Telegram 123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11", NULL },
	{ "rubygems-key", "rubygems_version: 3.4.1", NULL },
	{ "alibaba-access-key", "LTAI is an Alibaba prefix", NULL },
	{ "azure-client-secret", "URL ~/docs/Q~x", NULL },
	{ "cloud-secret", "        \"Value\": \"us-east-1\",", NULL },
	{ "registry-auth", "  .dockerconfigjson: is a key", NULL },
};

static struct sl_redact *rx;

static void
setup(void)
{
	struct sl_error err;

	rx = sl_redact_new(0);
	ck_assert_int_eq(sl_redact_ready(rx, &err), SL_OK);
}

/*
 * The defaults as `sl-redact --default-rules` prints them, read back as
 * a user's rules file under --no-default: every case must come out the
 * same, or the printed file is not the rules file it says it is.
 */
static void
setup_printed(void)
{
	const char *text = sl_redact_default_rules();
	struct sl_error err;

	rx = sl_redact_new(SL_REDACT_NO_DEFAULT);
	ck_assert_msg(sl_redact_add_rules(rx, "printed.rules", text,
	    strlen(text), &err) == SL_OK, "%s", err.msg);
	ck_assert_msg(sl_redact_ready(rx, &err) == SL_OK, "%s", err.msg);
}

static void
teardown(void)
{
	sl_redact_free(rx);
}

START_TEST(kind_case)
{
	const struct kcase *c = &cases[_i];
	struct sl_buf out;
	int kids[16];
	size_t nk = 0, k, n;
	int seen = 0;

	sl_buf_init(&out);
	n = rx_redact_string(rx, NULL, 0, c->in, strlen(c->in), 0, NULL, 0,
	    &out, kids, &nk, 16);
	ck_assert_msg(strcmp(out.buf, c->want != NULL ? c->want : c->in) == 0,
	    "%s\n in:   %s\n got:  %s\n want: %s", c->kind, c->in, out.buf,
	    c->want != NULL ? c->want : c->in);
	if (c->want == NULL) {
		ck_assert_uint_eq(n, 0);
		ck_assert_uint_eq(nk, 0);
	} else {
		for (k = 0; k < nk; k++)
			if (strcmp(rx->rules.kinds[kids[k]], c->kind) == 0)
				seen = 1;
		ck_assert_msg(seen, "%s: kind not reported for %s", c->kind,
		    c->in);
	}
	sl_buf_free(&out);
}
END_TEST

/* Every kind of redaction.md has a positive and a negative case here. */
START_TEST(every_kind_covered)
{
	static const char *const kinds[] = { "aws-access-key-id",
	    "aws-secret-key", "aws-session-token", "private-key", "jwt",
	    "github-token", "gitlab-token", "slack-token", "slack-webhook",
	    "stripe-key", "npm-token", "google-api-key", "openai-key",
	    "anthropic-key", "url-credentials", "cli-password",
	    "windows-password", "sendgrid-key", "vault-token", "docker-token",
	    "pypi-token", "huggingface-token", "shopify-token", "linear-key",
	    "age-secret-key", "grafana-token", "digitalocean-token",
	    "google-oauth-token", "heroku-key", "twilio-key",
	    "telegram-bot-token", "rubygems-key", "alibaba-access-key",
	    "azure-client-secret", "vault-unseal-key", "cloud-secret",
	    "registry-auth", NULL };
	size_t i, k;

	for (k = 0; kinds[k] != NULL; k++) {
		int pos = 0, neg = 0;

		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			if (strcmp(cases[i].kind, kinds[k]) == 0) {
				if (cases[i].want != NULL)
					pos++;
				else
					neg++;
			}
		ck_assert_msg(pos > 0 && neg > 0, "%s: %d positive, %d "
		    "negative", kinds[k], pos, neg);
	}
}
END_TEST

/* The defaults all have keywords: the prefilter may skip a line. */
START_TEST(defaults_have_keywords)
{
	size_t i;

	for (i = 0; i < rx->rules.n; i++)
		ck_assert_msg(rx->rules.v[i].nkw > 0, "%s has no keywords",
		    rx->rules.v[i].id);
	ck_assert(rx->prefilter);
}
END_TEST

static Suite *
kinds_suite(void)
{
	Suite *s = suite_create("redact_kinds");
	TCase *tc = tcase_create("kinds");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, kind_case, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, every_kind_covered);
	tcase_add_test(tc, defaults_have_keywords);
	suite_add_tcase(s, tc);
	tc = tcase_create("printed");
	tcase_add_checked_fixture(tc, setup_printed, teardown);
	tcase_add_loop_test(tc, kind_case, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, defaults_have_keywords);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(kinds_suite)
