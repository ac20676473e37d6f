import { Spin } from 'antd';

export const pageLoading = (
  <div style={{ padding: 48, textAlign: 'center' }}>
    <Spin tip="加载中…">
      <div style={{ height: 48 }} />
    </Spin>
  </div>
);
