
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kubectl-stackset' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kubectl-stackset'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'kubectl-stackset' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'V')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'version')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one StackSet: who manages it, its status, and a row per stack')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List StackSets with their traffic and status')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List StackSets with their traffic and status')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Report whether a StackSet is healthy, or wait until it is; exit codes for CI')
            [CompletionResult]::new('traffic', 'traffic', [CompletionResultType]::ParameterValue, 'Show desired versus actual traffic per stack; `traffic set` changes it')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Switch all traffic back to an older stack at once')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Show the versions of a StackSet: images, creation time, when each last had traffic')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a StackSet from flags; its first stack exists when the command returns')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Create or update StackSets from a YAML/JSON file (server-side apply)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a StackSet; its stacks and their children follow by ownerReference')
            [CompletionResult]::new('gc', 'gc', [CompletionResultType]::ParameterValue, 'Apply the stack lifecycle rules now: scale down idle stacks, delete excess ones')
            [CompletionResult]::new('reconcile', 'reconcile', [CompletionResultType]::ParameterValue, 'Run the stackset-controller''s reconciliation client-side, once or continuously')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the plugin version')
            [CompletionResult]::new('crd', 'crd', [CompletionResultType]::ParameterValue, 'Print the StackSet and Stack CustomResourceDefinitions')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a man page, or write them all')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print shell completion scripts, or set up `kubectl stackset <TAB>`')
            [CompletionResult]::new('rollout', 'rollout', [CompletionResultType]::ParameterValue, 'Roll out a new version step by step; status, pause, resume, promote, abort')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-stackset;get' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, name, jsonpath=, custom-columns=')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, name, jsonpath=, custom-columns=')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'With -w or --until: look again this often when nothing changes')
            [CompletionResult]::new('--controller-id', '--controller-id', [CompletionResultType]::ParameterName, 'The controller id that means "managed client-side" (as `reconcile --controller-id`)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep watching: redraw in place on a terminal, else print a timestamped line per change. Ctrl-C stops (exit 130)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep watching: redraw in place on a terminal, else print a timestamped line per change. Ctrl-C stops (exit 130)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Omit the table headers')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-stackset;list' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only StackSets matching this label selector, e.g. team=checkout,tier!=batch')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only StackSets matching this label selector, e.g. team=checkout,tier!=batch')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, name, jsonpath=, custom-columns=')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, name, jsonpath=, custom-columns=')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'With -w or --until: look again this often when nothing changes')
            [CompletionResult]::new('--controller-id', '--controller-id', [CompletionResultType]::ParameterName, 'The controller id that means "managed client-side" (as `reconcile --controller-id`)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep watching: redraw in place on a terminal, else print a timestamped line per change. Ctrl-C stops (exit 130)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep watching: redraw in place on a terminal, else print a timestamped line per change. Ctrl-C stops (exit 130)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Omit the table headers')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-stackset;ls' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only StackSets matching this label selector, e.g. team=checkout,tier!=batch')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only StackSets matching this label selector, e.g. team=checkout,tier!=batch')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, name, jsonpath=, custom-columns=')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, name, jsonpath=, custom-columns=')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'With -w or --until: look again this often when nothing changes')
            [CompletionResult]::new('--controller-id', '--controller-id', [CompletionResultType]::ParameterName, 'The controller id that means "managed client-side" (as `reconcile --controller-id`)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep watching: redraw in place on a terminal, else print a timestamped line per change. Ctrl-C stops (exit 130)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep watching: redraw in place on a terminal, else print a timestamped line per change. Ctrl-C stops (exit 130)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Omit the table headers')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-stackset;status' {
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Wait until this holds (exit 0), the StackSet has errors (exit 4) or --timeout passes (exit 3)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --until waits; 0 waits forever')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'With -w or --until: look again this often when nothing changes')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, name, jsonpath=, custom-columns=')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, name, jsonpath=, custom-columns=')
            [CompletionResult]::new('--controller-id', '--controller-id', [CompletionResultType]::ParameterName, 'The controller id that means "managed client-side"')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep watching: redraw in place on a terminal, else print a timestamped line per change. Ctrl-C stops (exit 130)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep watching: redraw in place on a terminal, else print a timestamped line per change. Ctrl-C stops (exit 130)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Omit the table headers')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-stackset;traffic' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, name, jsonpath=, custom-columns=')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, name, jsonpath=, custom-columns=')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'With -w or --until: look again this often when nothing changes')
            [CompletionResult]::new('--controller-id', '--controller-id', [CompletionResultType]::ParameterName, 'The controller id that means "managed client-side" (as `reconcile --controller-id`)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep watching: redraw in place on a terminal, else print a timestamped line per change. Ctrl-C stops (exit 130)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep watching: redraw in place on a terminal, else print a timestamped line per change. Ctrl-C stops (exit 130)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Omit the table headers')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set desired weights; the stacks not named are rescaled in proportion')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-stackset;traffic;set' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the actual traffic to follow')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: print the resulting StackSet instead')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: print the resulting StackSet instead')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change and change nothing')
            [CompletionResult]::new('--controller-id', '--controller-id', [CompletionResultType]::ParameterName, 'Our controller id, written to stackset-controller.zalando.org/controller')
            [CompletionResult]::new('--cluster-domain', '--cluster-domain', [CompletionResultType]::ParameterName, 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)')
            [CompletionResult]::new('--traffic-mechanism', '--traffic-mechanism', [CompletionResultType]::ParameterName, 'Force a traffic mechanism (default: the StackSet''s kubectl-stackset.io/traffic-mechanism annotation, else segments)')
            [CompletionResult]::new('--sync-ingress-annotation', '--sync-ingress-annotation', [CompletionResultType]::ParameterName, 'Annotation synchronised onto every segment (repeatable)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('--exact', '--exact', [CompletionResultType]::ParameterName, 'Every stack must be named and the weights must add up to 100')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before moving a stack to 0% or 100%')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before moving a stack to 0% or 100%')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return once the change is written; do not wait for the traffic to follow')
            [CompletionResult]::new('--routegroups', '--routegroups', [CompletionResultType]::ParameterName, 'Manage Skipper RouteGroups (the controller''s --enable-routegroup-support)')
            [CompletionResult]::new('--configmap-support', '--configmap-support', [CompletionResultType]::ParameterName, 'Adopt configMapRef ConfigMaps (--enable-configmap-support)')
            [CompletionResult]::new('--secret-support', '--secret-support', [CompletionResultType]::ParameterName, 'Adopt secretRef Secrets (--enable-secret-support)')
            [CompletionResult]::new('--pcs-support', '--pcs-support', [CompletionResultType]::ParameterName, 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)')
            [CompletionResult]::new('--enable-pcs-support', '--enable-pcs-support', [CompletionResultType]::ParameterName, 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-stackset;traffic;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set desired weights; the stacks not named are rescaled in proportion')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-stackset;traffic;help;set' {
            break
        }
        'kubectl-stackset;traffic;help;help' {
            break
        }
        'kubectl-stackset;rollback' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The stack (name or version) to switch to [default: the one before the newest serving stack]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the stack to be ready and the traffic to follow')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: print the resulting StackSet instead')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: print the resulting StackSet instead')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change and change nothing')
            [CompletionResult]::new('--controller-id', '--controller-id', [CompletionResultType]::ParameterName, 'Our controller id, written to stackset-controller.zalando.org/controller')
            [CompletionResult]::new('--cluster-domain', '--cluster-domain', [CompletionResultType]::ParameterName, 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)')
            [CompletionResult]::new('--traffic-mechanism', '--traffic-mechanism', [CompletionResultType]::ParameterName, 'Force a traffic mechanism (default: the StackSet''s kubectl-stackset.io/traffic-mechanism annotation, else segments)')
            [CompletionResult]::new('--sync-ingress-annotation', '--sync-ingress-annotation', [CompletionResultType]::ParameterName, 'Annotation synchronised onto every segment (repeatable)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask first')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask first')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return once the change is written; do not wait for the traffic to follow')
            [CompletionResult]::new('--routegroups', '--routegroups', [CompletionResultType]::ParameterName, 'Manage Skipper RouteGroups (the controller''s --enable-routegroup-support)')
            [CompletionResult]::new('--configmap-support', '--configmap-support', [CompletionResultType]::ParameterName, 'Adopt configMapRef ConfigMaps (--enable-configmap-support)')
            [CompletionResult]::new('--secret-support', '--secret-support', [CompletionResultType]::ParameterName, 'Adopt secretRef Secrets (--enable-secret-support)')
            [CompletionResult]::new('--pcs-support', '--pcs-support', [CompletionResultType]::ParameterName, 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)')
            [CompletionResult]::new('--enable-pcs-support', '--enable-pcs-support', [CompletionResultType]::ParameterName, 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-stackset;history' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, name, jsonpath=, custom-columns=')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, yaml, name, jsonpath=, custom-columns=')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'With -w or --until: look again this often when nothing changes')
            [CompletionResult]::new('--controller-id', '--controller-id', [CompletionResultType]::ParameterName, 'The controller id that means "managed client-side" (as `reconcile --controller-id`)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep watching: redraw in place on a terminal, else print a timestamped line per change. Ctrl-C stops (exit 130)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep watching: redraw in place on a terminal, else print a timestamped line per change. Ctrl-C stops (exit 130)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Omit the table headers')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-stackset;create' {
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Container image of the first stack')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Version of the stack; the stack is named NAME-VERSION')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Public hostname routed to the StackSet (repeatable)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Container and backend port')
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'Replicas per stack (without --autoscale)')
            [CompletionResult]::new('--autoscale', '--autoscale', [CompletionResultType]::ParameterName, 'Autoscale each stack: MIN:MAX, optionally with targets, e.g. 2:10,cpu=70,memory=80')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: print the resulting StackSet instead')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: print the resulting StackSet instead')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change and change nothing')
            [CompletionResult]::new('--controller-id', '--controller-id', [CompletionResultType]::ParameterName, 'Our controller id, written to stackset-controller.zalando.org/controller')
            [CompletionResult]::new('--cluster-domain', '--cluster-domain', [CompletionResultType]::ParameterName, 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)')
            [CompletionResult]::new('--traffic-mechanism', '--traffic-mechanism', [CompletionResultType]::ParameterName, 'Force a traffic mechanism (default: the StackSet''s kubectl-stackset.io/traffic-mechanism annotation, else segments)')
            [CompletionResult]::new('--sync-ingress-annotation', '--sync-ingress-annotation', [CompletionResultType]::ParameterName, 'Annotation synchronised onto every segment (repeatable)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('--controller-managed', '--controller-managed', [CompletionResultType]::ParameterName, 'Leave the StackSet to the in-cluster stackset-controller')
            [CompletionResult]::new('--routegroups', '--routegroups', [CompletionResultType]::ParameterName, 'Manage Skipper RouteGroups (the controller''s --enable-routegroup-support)')
            [CompletionResult]::new('--configmap-support', '--configmap-support', [CompletionResultType]::ParameterName, 'Adopt configMapRef ConfigMaps (--enable-configmap-support)')
            [CompletionResult]::new('--secret-support', '--secret-support', [CompletionResultType]::ParameterName, 'Adopt secretRef Secrets (--enable-secret-support)')
            [CompletionResult]::new('--pcs-support', '--pcs-support', [CompletionResultType]::ParameterName, 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)')
            [CompletionResult]::new('--enable-pcs-support', '--enable-pcs-support', [CompletionResultType]::ParameterName, 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-stackset;apply' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'YAML or JSON file with one or more StackSets, a directory of them (*.yaml, *.yml, *.json), or `-` for stdin (repeatable)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'YAML or JSON file with one or more StackSets, a directory of them (*.yaml, *.yml, *.json), or `-` for stdin (repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: print the resulting StackSet instead')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: print the resulting StackSet instead')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change and change nothing')
            [CompletionResult]::new('--controller-id', '--controller-id', [CompletionResultType]::ParameterName, 'Our controller id, written to stackset-controller.zalando.org/controller')
            [CompletionResult]::new('--cluster-domain', '--cluster-domain', [CompletionResultType]::ParameterName, 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)')
            [CompletionResult]::new('--traffic-mechanism', '--traffic-mechanism', [CompletionResultType]::ParameterName, 'Force a traffic mechanism (default: the StackSet''s kubectl-stackset.io/traffic-mechanism annotation, else segments)')
            [CompletionResult]::new('--sync-ingress-annotation', '--sync-ingress-annotation', [CompletionResultType]::ParameterName, 'Annotation synchronised onto every segment (repeatable)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'With a directory, also read its subdirectories')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'With a directory, also read its subdirectories')
            [CompletionResult]::new('--routegroups', '--routegroups', [CompletionResultType]::ParameterName, 'Manage Skipper RouteGroups (the controller''s --enable-routegroup-support)')
            [CompletionResult]::new('--configmap-support', '--configmap-support', [CompletionResultType]::ParameterName, 'Adopt configMapRef ConfigMaps (--enable-configmap-support)')
            [CompletionResult]::new('--secret-support', '--secret-support', [CompletionResultType]::ParameterName, 'Adopt secretRef Secrets (--enable-secret-support)')
            [CompletionResult]::new('--pcs-support', '--pcs-support', [CompletionResultType]::ParameterName, 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)')
            [CompletionResult]::new('--enable-pcs-support', '--enable-pcs-support', [CompletionResultType]::ParameterName, 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-stackset;delete' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: print the resulting StackSet instead')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: print the resulting StackSet instead')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change and change nothing')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask first')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask first')
            [CompletionResult]::new('--ignore-not-found', '--ignore-not-found', [CompletionResultType]::ParameterName, 'Succeed when the StackSet does not exist')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the StackSet''s stacks are gone too')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-stackset;gc' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: print the resulting StackSet instead')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: print the resulting StackSet instead')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change and change nothing')
            [CompletionResult]::new('--controller-id', '--controller-id', [CompletionResultType]::ParameterName, 'Our controller id, written to stackset-controller.zalando.org/controller')
            [CompletionResult]::new('--cluster-domain', '--cluster-domain', [CompletionResultType]::ParameterName, 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)')
            [CompletionResult]::new('--traffic-mechanism', '--traffic-mechanism', [CompletionResultType]::ParameterName, 'Force a traffic mechanism (default: the StackSet''s kubectl-stackset.io/traffic-mechanism annotation, else segments)')
            [CompletionResult]::new('--sync-ingress-annotation', '--sync-ingress-annotation', [CompletionResultType]::ParameterName, 'Annotation synchronised onto every segment (repeatable)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before deleting stacks')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before deleting stacks')
            [CompletionResult]::new('--routegroups', '--routegroups', [CompletionResultType]::ParameterName, 'Manage Skipper RouteGroups (the controller''s --enable-routegroup-support)')
            [CompletionResult]::new('--configmap-support', '--configmap-support', [CompletionResultType]::ParameterName, 'Adopt configMapRef ConfigMaps (--enable-configmap-support)')
            [CompletionResult]::new('--secret-support', '--secret-support', [CompletionResultType]::ParameterName, 'Adopt secretRef Secrets (--enable-secret-support)')
            [CompletionResult]::new('--pcs-support', '--pcs-support', [CompletionResultType]::ParameterName, 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)')
            [CompletionResult]::new('--enable-pcs-support', '--enable-pcs-support', [CompletionResultType]::ParameterName, 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-stackset;reconcile' {
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change and change nothing')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'With -w: look again this often at a StackSet with work left; one with none waits for a change')
            [CompletionResult]::new('--workers', '--workers', [CompletionResultType]::ParameterName, 'With --watch: StackSets reconciled at the same time (upstream''s --reconcile-workers)')
            [CompletionResult]::new('--metrics-address', '--metrics-address', [CompletionResultType]::ParameterName, 'With --watch: serve /healthz, /readyz and Prometheus /metrics on this address (e.g. :8080)')
            [CompletionResult]::new('--leader-election-namespace', '--leader-election-namespace', [CompletionResultType]::ParameterName, 'Namespace of the leader Lease (default: the Pod''s namespace, else the current one)')
            [CompletionResult]::new('--leader-election-id', '--leader-election-id', [CompletionResultType]::ParameterName, 'Name of the leader Lease')
            [CompletionResult]::new('--lease-duration', '--lease-duration', [CompletionResultType]::ParameterName, 'How long a standby waits after the leader''s last renewal before taking over')
            [CompletionResult]::new('--controller-id', '--controller-id', [CompletionResultType]::ParameterName, 'Our controller id, written to stackset-controller.zalando.org/controller')
            [CompletionResult]::new('--cluster-domain', '--cluster-domain', [CompletionResultType]::ParameterName, 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)')
            [CompletionResult]::new('--traffic-mechanism', '--traffic-mechanism', [CompletionResultType]::ParameterName, 'Force a traffic mechanism (default: the StackSet''s kubectl-stackset.io/traffic-mechanism annotation, else segments)')
            [CompletionResult]::new('--sync-ingress-annotation', '--sync-ingress-annotation', [CompletionResultType]::ParameterName, 'Annotation synchronised onto every segment (repeatable)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every StackSet in the namespace that kubectl-stackset manages')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'Print kubectl-style diffs; exit 0 no change, 1 changes, >1 an error')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep reconciling (controller mode): on every change, when a TTL or rollout step falls due, and every --interval while there is work left')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep reconciling (controller mode): on every change, when a TTL or rollout step falls due, and every --interval while there is work left')
            [CompletionResult]::new('--claim', '--claim', [CompletionResultType]::ParameterName, 'Take over StackSets that the in-cluster controller (or another id) manages')
            [CompletionResult]::new('--no-events', '--no-events', [CompletionResultType]::ParameterName, 'Do not publish Kubernetes events')
            [CompletionResult]::new('--leader-elect', '--leader-elect', [CompletionResultType]::ParameterName, 'With --watch: run only while holding a coordination.k8s.io Lease, so several replicas can run and exactly one reconciles')
            [CompletionResult]::new('--routegroups', '--routegroups', [CompletionResultType]::ParameterName, 'Manage Skipper RouteGroups (the controller''s --enable-routegroup-support)')
            [CompletionResult]::new('--configmap-support', '--configmap-support', [CompletionResultType]::ParameterName, 'Adopt configMapRef ConfigMaps (--enable-configmap-support)')
            [CompletionResult]::new('--secret-support', '--secret-support', [CompletionResultType]::ParameterName, 'Adopt secretRef Secrets (--enable-secret-support)')
            [CompletionResult]::new('--pcs-support', '--pcs-support', [CompletionResultType]::ParameterName, 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)')
            [CompletionResult]::new('--enable-pcs-support', '--enable-pcs-support', [CompletionResultType]::ParameterName, 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-stackset;version' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-stackset;crd' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('--with-routegroup', '--with-routegroup', [CompletionResultType]::ParameterName, 'Also print Skipper''s RouteGroup CRD (for clusters without Skipper''s own)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-stackset;man' {
            [CompletionResult]::new('--output-dir', '--output-dir', [CompletionResultType]::ParameterName, 'Write every page into DIR instead of printing one')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-stackset;completion' {
            [CompletionResult]::new('--output-dir', '--output-dir', [CompletionResultType]::ParameterName, 'Write the script of every shell into DIR instead of printing one')
            [CompletionResult]::new('--kubectl-helper', '--kubectl-helper', [CompletionResultType]::ParameterName, 'Create kubectl_complete-stackset, which kubectl 1.26+ runs to complete `kubectl stackset`, in DIR (default: the directory of this plugin)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-stackset;rollout' {
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Version of the stack; the stack is named NAME-VERSION')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Container image of the new stack (repeatable)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Take the StackSet spec from a file (`-`: stdin)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Take the StackSet spec from a file (`-`: stdin)')
            [CompletionResult]::new('--steps', '--steps', [CompletionResultType]::ParameterName, 'Weights of the new stack, step by step [default: 10,25,50,100]')
            [CompletionResult]::new('--step-weight', '--step-weight', [CompletionResultType]::ParameterName, 'Percent added to the new stack per step (instead of --steps)')
            [CompletionResult]::new('--step-interval', '--step-interval', [CompletionResultType]::ParameterName, 'How long each step is held once the traffic reached it')
            [CompletionResult]::new('--ready-timeout', '--ready-timeout', [CompletionResultType]::ParameterName, 'How long the new stack may take to become ready')
            [CompletionResult]::new('--step-timeout', '--step-timeout', [CompletionResultType]::ParameterName, 'How long the traffic may take to follow a step')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long the whole rollout may take (0: no limit)')
            [CompletionResult]::new('--on-failure', '--on-failure', [CompletionResultType]::ParameterName, 'What a failed step does')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: print the resulting StackSet instead')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: print the resulting StackSet instead')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change and change nothing')
            [CompletionResult]::new('--controller-id', '--controller-id', [CompletionResultType]::ParameterName, 'Our controller id, written to stackset-controller.zalando.org/controller')
            [CompletionResult]::new('--cluster-domain', '--cluster-domain', [CompletionResultType]::ParameterName, 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)')
            [CompletionResult]::new('--traffic-mechanism', '--traffic-mechanism', [CompletionResultType]::ParameterName, 'Force a traffic mechanism (default: the StackSet''s kubectl-stackset.io/traffic-mechanism annotation, else segments)')
            [CompletionResult]::new('--sync-ingress-annotation', '--sync-ingress-annotation', [CompletionResultType]::ParameterName, 'Annotation synchronised onto every segment (repeatable)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before each step')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before each step')
            [CompletionResult]::new('--routegroups', '--routegroups', [CompletionResultType]::ParameterName, 'Manage Skipper RouteGroups (the controller''s --enable-routegroup-support)')
            [CompletionResult]::new('--configmap-support', '--configmap-support', [CompletionResultType]::ParameterName, 'Adopt configMapRef ConfigMaps (--enable-configmap-support)')
            [CompletionResult]::new('--secret-support', '--secret-support', [CompletionResultType]::ParameterName, 'Adopt secretRef Secrets (--enable-secret-support)')
            [CompletionResult]::new('--pcs-support', '--pcs-support', [CompletionResultType]::ParameterName, 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)')
            [CompletionResult]::new('--enable-pcs-support', '--enable-pcs-support', [CompletionResultType]::ParameterName, 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Hold the rollout at its current step')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Let a paused or abandoned rollout continue, driven from this terminal (or by the driver that holds it; --no-wait: leave it to `reconcile --watch`)')
            [CompletionResult]::new('promote', 'promote', [CompletionResultType]::ParameterValue, 'Apply the next step now (or, with --full, the target)')
            [CompletionResult]::new('abort', 'abort', [CompletionResultType]::ParameterValue, 'Stop the rollout and restore the weights from before it')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the recorded rollout: plan, current step, per-stack traffic')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-stackset;rollout;pause' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: print the resulting StackSet instead')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: print the resulting StackSet instead')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change and change nothing')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-stackset;rollout;resume' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long the rest of the rollout may take (0: no limit; it stays recorded when this runs out)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: print the resulting StackSet instead')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: print the resulting StackSet instead')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change and change nothing')
            [CompletionResult]::new('--controller-id', '--controller-id', [CompletionResultType]::ParameterName, 'Our controller id, written to stackset-controller.zalando.org/controller')
            [CompletionResult]::new('--cluster-domain', '--cluster-domain', [CompletionResultType]::ParameterName, 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)')
            [CompletionResult]::new('--traffic-mechanism', '--traffic-mechanism', [CompletionResultType]::ParameterName, 'Force a traffic mechanism (default: the StackSet''s kubectl-stackset.io/traffic-mechanism annotation, else segments)')
            [CompletionResult]::new('--sync-ingress-annotation', '--sync-ingress-annotation', [CompletionResultType]::ParameterName, 'Annotation synchronised onto every segment (repeatable)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before each step')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before each step')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return once the change is written; do not wait for the traffic to follow')
            [CompletionResult]::new('--routegroups', '--routegroups', [CompletionResultType]::ParameterName, 'Manage Skipper RouteGroups (the controller''s --enable-routegroup-support)')
            [CompletionResult]::new('--configmap-support', '--configmap-support', [CompletionResultType]::ParameterName, 'Adopt configMapRef ConfigMaps (--enable-configmap-support)')
            [CompletionResult]::new('--secret-support', '--secret-support', [CompletionResultType]::ParameterName, 'Adopt secretRef Secrets (--enable-secret-support)')
            [CompletionResult]::new('--pcs-support', '--pcs-support', [CompletionResultType]::ParameterName, 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)')
            [CompletionResult]::new('--enable-pcs-support', '--enable-pcs-support', [CompletionResultType]::ParameterName, 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-stackset;rollout;promote' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the actual traffic to follow')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: print the resulting StackSet instead')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: print the resulting StackSet instead')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change and change nothing')
            [CompletionResult]::new('--controller-id', '--controller-id', [CompletionResultType]::ParameterName, 'Our controller id, written to stackset-controller.zalando.org/controller')
            [CompletionResult]::new('--cluster-domain', '--cluster-domain', [CompletionResultType]::ParameterName, 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)')
            [CompletionResult]::new('--traffic-mechanism', '--traffic-mechanism', [CompletionResultType]::ParameterName, 'Force a traffic mechanism (default: the StackSet''s kubectl-stackset.io/traffic-mechanism annotation, else segments)')
            [CompletionResult]::new('--sync-ingress-annotation', '--sync-ingress-annotation', [CompletionResultType]::ParameterName, 'Annotation synchronised onto every segment (repeatable)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('--full', '--full', [CompletionResultType]::ParameterName, 'Skip the remaining steps: the new stack gets 100% now')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before moving a stack to 0% or 100%')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before moving a stack to 0% or 100%')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return once the change is written; do not wait for the traffic to follow')
            [CompletionResult]::new('--routegroups', '--routegroups', [CompletionResultType]::ParameterName, 'Manage Skipper RouteGroups (the controller''s --enable-routegroup-support)')
            [CompletionResult]::new('--configmap-support', '--configmap-support', [CompletionResultType]::ParameterName, 'Adopt configMapRef ConfigMaps (--enable-configmap-support)')
            [CompletionResult]::new('--secret-support', '--secret-support', [CompletionResultType]::ParameterName, 'Adopt secretRef Secrets (--enable-secret-support)')
            [CompletionResult]::new('--pcs-support', '--pcs-support', [CompletionResultType]::ParameterName, 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)')
            [CompletionResult]::new('--enable-pcs-support', '--enable-pcs-support', [CompletionResultType]::ParameterName, 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-stackset;rollout;abort' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the actual traffic to follow')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: print the resulting StackSet instead')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: print the resulting StackSet instead')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change and change nothing')
            [CompletionResult]::new('--controller-id', '--controller-id', [CompletionResultType]::ParameterName, 'Our controller id, written to stackset-controller.zalando.org/controller')
            [CompletionResult]::new('--cluster-domain', '--cluster-domain', [CompletionResultType]::ParameterName, 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)')
            [CompletionResult]::new('--traffic-mechanism', '--traffic-mechanism', [CompletionResultType]::ParameterName, 'Force a traffic mechanism (default: the StackSet''s kubectl-stackset.io/traffic-mechanism annotation, else segments)')
            [CompletionResult]::new('--sync-ingress-annotation', '--sync-ingress-annotation', [CompletionResultType]::ParameterName, 'Annotation synchronised onto every segment (repeatable)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask first')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask first')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return once the change is written; do not wait for the traffic to follow')
            [CompletionResult]::new('--routegroups', '--routegroups', [CompletionResultType]::ParameterName, 'Manage Skipper RouteGroups (the controller''s --enable-routegroup-support)')
            [CompletionResult]::new('--configmap-support', '--configmap-support', [CompletionResultType]::ParameterName, 'Adopt configMapRef ConfigMaps (--enable-configmap-support)')
            [CompletionResult]::new('--secret-support', '--secret-support', [CompletionResultType]::ParameterName, 'Adopt secretRef Secrets (--enable-secret-support)')
            [CompletionResult]::new('--pcs-support', '--pcs-support', [CompletionResultType]::ParameterName, 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)')
            [CompletionResult]::new('--enable-pcs-support', '--enable-pcs-support', [CompletionResultType]::ParameterName, 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-stackset;rollout;status' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'With -w or --until: look again this often when nothing changes')
            [CompletionResult]::new('--controller-id', '--controller-id', [CompletionResultType]::ParameterName, 'Our controller id, written to stackset-controller.zalando.org/controller')
            [CompletionResult]::new('--cluster-domain', '--cluster-domain', [CompletionResultType]::ParameterName, 'Cluster domain for per-stack hostnames (repeatable; default: the domain of each public host)')
            [CompletionResult]::new('--traffic-mechanism', '--traffic-mechanism', [CompletionResultType]::ParameterName, 'Force a traffic mechanism (default: the StackSet''s kubectl-stackset.io/traffic-mechanism annotation, else segments)')
            [CompletionResult]::new('--sync-ingress-annotation', '--sync-ingress-annotation', [CompletionResultType]::ParameterName, 'Annotation synchronised onto every segment (repeatable)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of a single request, e.g. 30s or 1m; 0 means no timeout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep watching: print the status again whenever it changes. Ctrl-C stops (exit 130)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep watching: print the status again whenever it changes. Ctrl-C stops (exit 130)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Omit the table headers')
            [CompletionResult]::new('--routegroups', '--routegroups', [CompletionResultType]::ParameterName, 'Manage Skipper RouteGroups (the controller''s --enable-routegroup-support)')
            [CompletionResult]::new('--configmap-support', '--configmap-support', [CompletionResultType]::ParameterName, 'Adopt configMapRef ConfigMaps (--enable-configmap-support)')
            [CompletionResult]::new('--secret-support', '--secret-support', [CompletionResultType]::ParameterName, 'Adopt secretRef Secrets (--enable-secret-support)')
            [CompletionResult]::new('--pcs-support', '--pcs-support', [CompletionResultType]::ParameterName, 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)')
            [CompletionResult]::new('--enable-pcs-support', '--enable-pcs-support', [CompletionResultType]::ParameterName, 'Generate a PlatformCredentialsSet for each platformCredentialsSet configuration resource (--enable-pcs-support)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Work across all namespaces (read commands and `reconcile`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr: -v, -vv (HTTP requests), or kubectl''s -v=N')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-stackset;rollout;help' {
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Hold the rollout at its current step')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Let a paused or abandoned rollout continue, driven from this terminal (or by the driver that holds it; --no-wait: leave it to `reconcile --watch`)')
            [CompletionResult]::new('promote', 'promote', [CompletionResultType]::ParameterValue, 'Apply the next step now (or, with --full, the target)')
            [CompletionResult]::new('abort', 'abort', [CompletionResultType]::ParameterValue, 'Stop the rollout and restore the weights from before it')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the recorded rollout: plan, current step, per-stack traffic')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-stackset;rollout;help;pause' {
            break
        }
        'kubectl-stackset;rollout;help;resume' {
            break
        }
        'kubectl-stackset;rollout;help;promote' {
            break
        }
        'kubectl-stackset;rollout;help;abort' {
            break
        }
        'kubectl-stackset;rollout;help;status' {
            break
        }
        'kubectl-stackset;rollout;help;help' {
            break
        }
        'kubectl-stackset;help' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one StackSet: who manages it, its status, and a row per stack')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List StackSets with their traffic and status')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Report whether a StackSet is healthy, or wait until it is; exit codes for CI')
            [CompletionResult]::new('traffic', 'traffic', [CompletionResultType]::ParameterValue, 'Show desired versus actual traffic per stack; `traffic set` changes it')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Switch all traffic back to an older stack at once')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Show the versions of a StackSet: images, creation time, when each last had traffic')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a StackSet from flags; its first stack exists when the command returns')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Create or update StackSets from a YAML/JSON file (server-side apply)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a StackSet; its stacks and their children follow by ownerReference')
            [CompletionResult]::new('gc', 'gc', [CompletionResultType]::ParameterValue, 'Apply the stack lifecycle rules now: scale down idle stacks, delete excess ones')
            [CompletionResult]::new('reconcile', 'reconcile', [CompletionResultType]::ParameterValue, 'Run the stackset-controller''s reconciliation client-side, once or continuously')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the plugin version')
            [CompletionResult]::new('crd', 'crd', [CompletionResultType]::ParameterValue, 'Print the StackSet and Stack CustomResourceDefinitions')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a man page, or write them all')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print shell completion scripts, or set up `kubectl stackset <TAB>`')
            [CompletionResult]::new('rollout', 'rollout', [CompletionResultType]::ParameterValue, 'Roll out a new version step by step; status, pause, resume, promote, abort')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-stackset;help;get' {
            break
        }
        'kubectl-stackset;help;list' {
            break
        }
        'kubectl-stackset;help;status' {
            break
        }
        'kubectl-stackset;help;traffic' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set desired weights; the stacks not named are rescaled in proportion')
            break
        }
        'kubectl-stackset;help;traffic;set' {
            break
        }
        'kubectl-stackset;help;rollback' {
            break
        }
        'kubectl-stackset;help;history' {
            break
        }
        'kubectl-stackset;help;create' {
            break
        }
        'kubectl-stackset;help;apply' {
            break
        }
        'kubectl-stackset;help;delete' {
            break
        }
        'kubectl-stackset;help;gc' {
            break
        }
        'kubectl-stackset;help;reconcile' {
            break
        }
        'kubectl-stackset;help;version' {
            break
        }
        'kubectl-stackset;help;crd' {
            break
        }
        'kubectl-stackset;help;man' {
            break
        }
        'kubectl-stackset;help;completion' {
            break
        }
        'kubectl-stackset;help;rollout' {
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Hold the rollout at its current step')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Let a paused or abandoned rollout continue, driven from this terminal (or by the driver that holds it; --no-wait: leave it to `reconcile --watch`)')
            [CompletionResult]::new('promote', 'promote', [CompletionResultType]::ParameterValue, 'Apply the next step now (or, with --full, the target)')
            [CompletionResult]::new('abort', 'abort', [CompletionResultType]::ParameterValue, 'Stop the rollout and restore the weights from before it')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the recorded rollout: plan, current step, per-stack traffic')
            break
        }
        'kubectl-stackset;help;rollout;pause' {
            break
        }
        'kubectl-stackset;help;rollout;resume' {
            break
        }
        'kubectl-stackset;help;rollout;promote' {
            break
        }
        'kubectl-stackset;help;rollout;abort' {
            break
        }
        'kubectl-stackset;help;rollout;status' {
            break
        }
        'kubectl-stackset;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
