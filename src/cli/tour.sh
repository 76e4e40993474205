curl -s {{status}}/v1/status
curl -s --cacert {{dir}}/tls/dev-tls.pem {{status-tls}}/v1/stores
curl -s -H "Authorization: Bearer $(cat {{dir}}/operator-token)" \
  '{{status}}/v1/stores/node/journal?limit=2'   # journal pages: the operator only
openssl ocsp -issuer {{dir}}/trust/org.pem -cert {{dir}}/trust/ocsp-org.pem \
  -url {{trust}}/ocsp -CAfile {{dir}}/trust/root.pem
{{riik}} journal verify --dir {{dir}} --node node
{{riik}} central show --dir {{dir}}      # the global configuration, verified
# As the tax board's information system: its own certificate, which its security server knows it by.
TAX=(--cacert {{dir}}/trust/root.pem --cert {{dir}}/registry_tax/tls.pem --key {{dir}}/registry_tax/tls.key
     -H 'X-Road-Client: EE/GOV/70000349/tax')
curl -s "${TAX[@]}" -H 'X-Road-UserId: EE38001085718' \
  {{ss-tax}}/r1/EE/GOV/70000013/population/person/38001085718   # through both security servers
XID=$(curl -s -o /dev/null -D - "${TAX[@]}" -H 'X-Road-Issue: income tax return 2024' \
  '{{ss-tax}}/r1/EE/COM/10060701/bank/interest/38001085718?year=2024' |
  tr -d '\r' | awk -F': ' 'tolower($1) == "x-road-id" {print $2}'); echo "X-Road-Id $XID"
{{riik}} exchange evidence --dir {{dir}} --name ss-tax --id "$XID" --out call.json
{{riik}} exchange evidence verify call.json --ca {{dir}}/trust/root.pem
# A registry answers only its own security server: as the operator, with that server's certificate.
SS() { echo --cacert {{dir}}/trust/root.pem --cert {{dir}}/ss_$1/auth.pem --key {{dir}}/ss_$1/auth.key; }
curl -s $(SS tax) -H 'X-Road-UserId: EE38001085718' {{registry-tax}}/return/38001085718/2024   # pre-filled
{{riik}} tracker list $(SS bank) --url {{registry-bank}} --code 38001085718 --out seen.json
{{riik}} tracker verify seen.json --ca {{dir}}/trust/root.pem   # who looked at my bank data
curl -s $(SS population) -X POST -H 'Content-Type: application/json' -H 'X-Road-Issue: moving house' \
  {{registry-population}}/address/38001085718 -d '{"settlement":"Tartu","street":"Rüütli tn","house":5}'
curl -s $(SS bank) -H 'X-Road-Issue: address check' {{registry-bank}}/notifications/38001085718   # the bank was told
{{riik}} id show --token {{dir}}/citizens/38001085718
echo 'I agree to the terms.' > agreement.txt && RIIK_PIN2=01497 {{riik}} sign --dir {{dir}} \
  --token {{dir}}/citizens/38001085718 --in agreement.txt --out agreement.asice   # ASiC-E, as DigiDoc makes
{{riik}} verify agreement.asice --dir {{dir}}   # who signed, what the TSA and OCSP attest, in words
curl -s "${TAX[@]}" -H 'Content-Type: application/vnd.etsi.asic-e+zip' --data-binary @agreement.asice \
  {{ss-tax}}/r1/EE/GOV/70006317/sign/validate | jq '{verdict: .report.verdict, record}'   # the state's validation, logged
{{riik}} embassy status --dir {{dir}}             # what each store has at the embassy, lag
{{riik}} embassy verify --archive {{dir}}/embassy-lu/archive
C={{dir}}/custody; {{riik}} embassy restore --archive {{dir}}/embassy-lu/archive \
  --node registry_population --to "$(mktemp -d)" --share $C/share-1.json:$C/share-1.pin \
  --share $C/share-3.json:$C/share-3.pin --share $C/share-5.json:$C/share-5.pin
{{riik}} embassy drill --archive {{dir}}/embassy-lu/archive --signing-key {{dir}}/embassy-lu/signing.key \
  --key-passphrase-file {{dir}}/trust/passphrase --share $C/share-1.json:$C/share-1.pin \
  --share $C/share-3.json:$C/share-3.pin --share $C/share-5.json:$C/share-5.pin   # the embassy's key signs the results
# Sign in to demo service A as a browser does, confirming in the app (docs/signin.md; or open {{rp-a}}/ in a browser).
B() { curl -s --cacert {{dir}}/trust/root.pem -c cookies.txt -b cookies.txt "$@"; }
P=$(B -o /dev/null -w '%{redirect_url}' "$(B -o /dev/null -w '%{redirect_url}' {{rp-a}}/login)")   # the sign-in page
CSRF=$(B "$P" | grep -o 'data-csrf="[^"]*"' | cut -d'"' -f2)
B -o /dev/null -d "personal_code=38001085718&csrf=$CSRF" "$P/app"
CODE=$(B "$P" | grep -o 'id="verification-code">[0-9]*' | grep -o '[0-9]*$')   # the code the page shows
RIIK_PIN1=0090 {{riik}} id approve --token {{dir}}/citizens/38001085718 --auth {{auth}} --ca {{dir}}/trust/root.pem --expect-code "$CODE"
B -L -d "csrf=$CSRF" "$P/app/continue" | grep -o 'Signed in as <strong>[^<]*'   # back at service A
B -L {{rp-b}}/login | grep -o 'Signed in as <strong>[^<]*'   # service B: single sign-on, not asked again
# i-Voting (docs/voting.md): vote on the portal's Vote page ({{portal}}/vote); the board is public.
curl -s --cacert {{dir}}/trust/root.pem {{vote}}/board/head | jq .head   # the election's latest signed head
