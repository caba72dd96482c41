/**
 * Chat templates written for these tests in the styles real models ship (ChatML, Llama 3 with
 * tools, Mistral, Gemma, reasoning models): loops over messages, namespace() counters,
 * raise_exception, tojson, string methods and filters. All must stay clean.
 */
export const BENIGN_TEMPLATES: Array<{ name: string; input: string }> = [
  {
    name: 'ChatML',
    input:
      "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
  },
  {
    name: 'alternating roles with raise_exception (Mistral style)',
    input:
      "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] | trim + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] | trim + eos_token }}{% endif %}{% endfor %}",
  },
  {
    name: 'system message split off, date, tools as JSON (Llama 3 style)',
    input: `{{- bos_token }}
{%- if not date_string is defined %}{%- if strftime_now is defined %}{%- set date_string = strftime_now("%d %b %Y") %}{%- else %}{%- set date_string = "26 Jul 2024" %}{%- endif %}{%- endif %}
{%- if messages[0]['role'] == 'system' %}{%- set system_message = messages[0]['content']|trim %}{%- set messages = messages[1:] %}{%- else %}{%- set system_message = "" %}{%- endif %}
{{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}
{%- if tools is not none %}{{- "Environment: ipython\\n" }}{%- for t in tools %}{{- t | tojson(indent=4) }}{{- "\\n\\n" }}{%- endfor %}{%- endif %}
{{- "Today Date: " + date_string + "\\n\\n" }}{{- system_message }}{{- "<|eot_id|>" }}
{%- for message in messages %}
  {%- if 'tool_calls' in message and message.tool_calls|length > 0 %}
    {%- for tool_call in message.tool_calls %}{{- '{"name": "' + tool_call.function.name + '", "parameters": ' }}{{- tool_call.function.arguments | tojson }}{{- "}" }}{%- endfor %}
  {%- elif message.role == "tool" or message.role == "ipython" %}
    {%- if message.content is mapping or message.content is iterable %}{{- message.content | tojson }}{%- else %}{{- message.content }}{%- endif %}
  {%- else %}{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' }}
  {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}`,
  },
  {
    name: 'namespace() state, macros and tool schemas (Hermes / Qwen style)',
    input: `{%- macro py_type(spec) %}{%- set basic = {"string": "str", "number": "float", "integer": "int"} %}{%- if basic[spec.type] is defined %}{{- basic[spec.type] }}{%- elif spec.type == "array" %}{{- "list[" + py_type(spec|items) + "]" }}{%- else %}{{- "Any" }}{%- endif %}{%- endmacro %}
{%- set ns = namespace(multi_step_tool=true, last_query_index=messages|length - 1) %}
{%- for message in messages[::-1] %}{%- set index = (messages|length - 1) - loop.index0 %}{%- if ns.multi_step_tool and message.role == "user" %}{%- set ns.multi_step_tool = false %}{%- set ns.last_query_index = index %}{%- endif %}{%- endfor %}
{%- for tool in tools %}{%- if tool.function is defined %}{%- set tool = tool.function %}{%- endif %}{%- for name, fields in tool.parameters.properties|items %}{{- name + ": " + py_type(fields) }}{%- if not loop.last %}{{- ", " }}{%- endif %}{%- endfor %}{%- endfor %}
{%- for message in messages %}
  {%- if message.content is string %}{%- set content = message.content %}{%- else %}{%- set content = '' %}{%- endif %}
  {%- if '</think>' in content %}{%- set reasoning = content.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') %}{%- set content = content.split('</think>')[-1].lstrip('\\n') %}{%- endif %}
  {%- if loop.index0 > ns.last_query_index %}{{- '<think>\\n' + reasoning.strip('\\n') + '\\n</think>\\n\\n' }}{%- endif %}
  {{- '<|im_start|>' + message.role + '\\n' + content.replace('/no_think', '') + '<|im_end|>\\n' }}
  {%- if loop.previtem and loop.previtem.role != "tool" and loop.nextitem %}{{- '' }}{%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- if enable_thinking is defined and enable_thinking is false %}{{- '<think>\\n\\n</think>\\n\\n' }}{%- endif %}{%- endif %}`,
  },
  {
    name: 'multimodal content parts, selectattr and map (Gemma / Idefics style)',
    input: `{{ bos_token }}{%- for message in messages -%}{%- set role = 'model' if message['role'] == 'assistant' else message['role'] -%}{{ '<start_of_turn>' + role + '\\n' }}{%- if message['content'] is string -%}{{ message['content'] | trim }}{%- else -%}{%- for item in message['content'] | selectattr('type', 'equalto', 'text') -%}{{ item['text'] | trim }}{%- endfor -%}{{ message['content'] | map(attribute='type') | join(', ') }}{%- endif -%}{{ '<end_of_turn>\\n' }}{%- endfor -%}{%- if add_generation_prompt -%}{{ '<start_of_turn>model\\n' }}{%- endif -%}`,
  },
  {
    name: 'cycler and joiner called as intended, range loop, string building',
    input: `{%- set sep = joiner(', ') -%}{%- set row = cycler('odd', 'even') -%}{%- for i in range(3) -%}{{ sep() }}{{ row.next() }}{{ 'x' ~ i }}{%- endfor -%}{{ ('Hello %s' % user_name) | upper }}{{ '{} says {}'.format(a, b) }}`,
  },
];
