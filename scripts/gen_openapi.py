# Regenerates docs/api/openapi.yaml from the route table in src/api/api_service.cc
# plus docs/api/openapi.{head,components}.yaml. The test OpenApi.* checks the result.
import re,sys
src=open('src/api/api_service.cc').read()
routes=re.findall(r'\{"(GET|POST|PATCH|PUT|DELETE)", "([^"]+)", Action::(\w+), "([^"]+)", &S::(\w+)(, true)?\}', src)
from collections import OrderedDict
paths=OrderedDict()
for m,p,a,summ,h,ws in routes: paths.setdefault(p,[]).append((m,a,summ,h,ws))
def act(a):
    parts=re.findall(r'[A-Z][a-z]*',a[1:])
    parts=[x.lower() for x in parts]
    m={'campaignread':'campaign.read','campaignwrite':'campaign.write','listread':'list.read','listwrite':'list.write','contactread':'contact.read','contactwrite':'contact.write','callread':'call.read','disposition':'call.disposition','livemetrics':'live.metrics','reportread':'report.read','auditread':'audit.read','vendorread':'vendor.read','vendorwrite':'vendor.write','useradmin':'user.admin'}
    j=''.join(parts); return m.get(j,j)
def tag(p):
    if p in ('/healthz','/readyz','/metrics'): return 'health'
    s=p.split('/')[3]
    return {'login':'session','logout':'session','me':'session','tokens':'session','events':'events'}.get(s,s)
out=[]; w=out.append
w(open('docs/api/openapi.head.yaml').read().rstrip('\n'))
w('paths:')
for p,ms in paths.items():
    w(f'  {p}:')
    params=re.findall(r'\{(\w+)\}',p)
    for m,a,summ,h,ws in ms:
        w(f'    {m.lower()}:'); w(f'      operationId: {h}'); w(f'      summary: "{summ}"'); w(f'      tags: [{tag(p)}]')
        w(f'      x-clearline-action: {act(a)}')
        if a=='kPublic': w('      security: []')
        plist=[]
        for q in params: plist.append(f'{{name: {q}, in: path, required: true, schema: {{type: integer, minimum: 1}}}}')
        if h.startswith('list') and h!='listUsers':
            plist+=['{name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 500, default: 50}}','{name: after, in: query, schema: {type: integer, minimum: 0}}']
        if ws:
            plist+=['{name: since, in: query, description: "the last seq the client saw; matching events after it are replayed", schema: {type: integer}}','{name: epoch, in: query, description: "the epoch of the hello frame; another epoch answers resync", schema: {type: string}}']
        if h in ('campaignPacing','campaignPacingCsv'):
            plist+=['{name: bucket, in: query, description: "the bucket length: 1 minute to 24 hours, e.g. 5m, 15m, 1h, 300s", schema: {type: string, default: 15m, pattern: "^[0-9]{1,7}[smh]$"}}',
                    '{name: from, in: query, description: "calls dialled from (YYYY-MM-DD or ISO 8601); every bucket of the range is listed", schema: {type: string}}',
                    '{name: to, in: query, description: "calls dialled before (a bare date includes that day)", schema: {type: string}}']
        if h=='vendorEvidence':
            plist.append('{name: name, in: query, description: "the original file name (kept with the evidence)", schema: {type: string, maxLength: 120}}')
        if h=='createImport':
            plist+=['{name: list_name, in: query, description: "the list\'s name (default: upload <time>)", schema: {type: string, maxLength: 200}}',
                    '{name: dedupe, in: query, description: "duplicate scope (default: config import.dedupe_scope)", schema: {type: string, enum: [list, campaign, organisation]}}',
                    '{name: region, in: query, description: "region for numbers without a country code (default: import.default_region)", schema: {type: string, pattern: "^[A-Z]{2}$"}}',
                    '{name: map, in: query, description: "column mapping overrides COLUMN=FIELD, comma-separated", schema: {type: string, maxLength: 4000}}',
                    '{name: delimiter, in: query, schema: {type: string, enum: [",", ";", "|", tab, auto], default: ","}}',
                    '{name: batch_rows, in: query, description: "records a transaction (default: import.batch_rows)", schema: {type: integer, minimum: 1, maximum: 100000}}',
                    '{name: allow_international, in: query, schema: {type: boolean, default: false}}']
        if h.startswith('create'):
            plist.append('{name: Idempotency-Key, in: header, schema: {type: string, maxLength: 200}}')
        if plist:
            w('      parameters:')
            for x in plist: w('        - '+x)
        if h=='vendorEvidence':
            w('      requestBody:'); w('        required: true'); w('        description: "the evidence file itself"'); w('        content:'); w('          application/octet-stream:')
            w('            schema: {type: string, format: binary}')
        elif h=='uploadSafeHarborPrompt':
            w('      requestBody:'); w('        required: true'); w('        description: "the WAV itself: RIFF/WAVE, 8000 Hz, mono, 16-bit PCM or 8-bit G.711 (mu-law/A-law), 0.5 to 60 s, at most 2 MiB (413 above); a refusal names field body and says why"'); w('        content:'); w('          audio/wav:')
            w('            schema: {type: string, format: binary}')
        elif h=='createImport':
            w('      requestBody:'); w('        required: true'); w('        description: "the CSV list itself (docs/import.md), at most server.max_body_bytes"'); w('        content:'); w('          text/csv:')
            w('            schema: {type: string}')
        elif m in ('POST','PATCH') and h!='logout':
            w('      requestBody:'); w('        required: true'); w('        content:'); w('          application/json:')
            w(f'            schema: {{$ref: "#/components/schemas/{h[0].upper()+h[1:]}Request"}}')
        w('      responses:')
        ok='201' if h.startswith('create') else ('101' if ws else '200')
        w(f'        "{ok}": {{$ref: "#/components/responses/Ok"}}')
        if a!='kPublic':
            w('        "401": {$ref: "#/components/responses/Error"}'); w('        "403": {$ref: "#/components/responses/Error"}')
        if m!='GET' or params or h.startswith('list'): w('        "400": {$ref: "#/components/responses/Error"}')
        if params: w('        "404": {$ref: "#/components/responses/Error"}')
        w('        "429": {$ref: "#/components/responses/Error"}')
w(open('docs/api/openapi.components.yaml').read().rstrip('\n'))
open('docs/api/openapi.yaml','w').write('\n'.join(out)+'\n')
print(len(routes),'routes')
